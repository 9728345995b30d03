import type { TranscriptWriter } from '../executor.js';

/**
 * Writes one SSH session to the attempt's transcript as it happens: what the target printed
 * (escape sequences already removed, carriage returns dropped so lines read cleanly in a
 * report) interleaved with the executor's own notes, each on a line of its own starting
 * with `[ssh]`. Sent text appears as a note showing the template's text, where a secret
 * mask stays `[#NAME#]`: the engine redacts secrets anyway, this is a second line of defence.
 */
export class SessionTranscript {
  #atLineStart = true;

  constructor(private readonly writer: TranscriptWriter) {}

  /** Output of the target. */
  received(text: string): void {
    const clean = text.replaceAll('\r', '');
    if (!clean) return;
    this.writer.write(clean);
    this.#atLineStart = clean.endsWith('\n');
  }

  /** A line of the executor's own: connected, sent, closed, failed. */
  note(text: string): void {
    this.writer.write(`${this.#atLineStart ? '' : '\n'}[ssh] ${text}\n`);
    this.#atLineStart = true;
  }
}
