/** How syslog messages reach the receiver: UDP datagrams, or a TCP/TLS stream with octet-counted frames. */
export interface SyslogTransport {
  /**
   * Sends the messages in order. Resolves once the OS took them, rejects when the receiver
   * cannot be reached; the next call reconnects.
   */
  send(messages: readonly string[]): Promise<void>;
  /**
   * Counts connections that broke (closed by the receiver, reset, or failed a write). When it
   * moves, what went out shortly before may not have been read. Always 0 for UDP.
   */
  readonly breaks: number;
  /** When the last break was seen (epoch ms), 0 before any. */
  readonly lastBreakAt: number;
  close(): Promise<void>;
}

/** RFC 6587 §3.4.1 octet counting: `MSG-LEN SP SYSLOG-MSG`, the length in bytes. */
export function octetCountedFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
