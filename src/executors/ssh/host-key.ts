import { createHash } from 'node:crypto';

/**
 * SSH host keys as Ostiary pins them: `algorithm base64` (the `Device.hostKey` format, as
 * in `known_hosts` or a `.pub` file, comment ignored), or an OpenSSH fingerprint
 * `SHA256:…` when an operator registers only the fingerprint.
 */

/** `ssh-ed25519 AAAA…` for a raw public key blob as the server sent it. */
export function hostKeyString(blob: Buffer): string {
  return `${blobAlgorithm(blob)} ${blob.toString('base64')}`;
}

/** `SHA256:…` without padding, as OpenSSH prints it (`ssh-keygen -lf`, connection warnings). */
export function fingerprintOf(hostKey: string): string {
  if (isFingerprint(hostKey)) return hostKey.trim();
  const digest = createHash('sha256').update(keyBlob(hostKey)).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** Whether the key the server showed is the pinned one. */
export function isSameHostKey(pinned: string, seen: string): boolean {
  if (isFingerprint(pinned)) return fingerprintOf(seen) === pinned.trim();
  return keyBlob(pinned).equals(keyBlob(seen));
}

/**
 * Host key algorithms to offer first, so a server holding several keys shows the pinned
 * one rather than another that would look like a mismatch. An RSA key may be signed with
 * any of the three RSA algorithms.
 */
export function preferredAlgorithms(pinned: string | null): HostKeyAlgorithm[] {
  if (pinned === null || isFingerprint(pinned)) return [];
  const algorithm = pinned.trim().split(/\s+/)[0] ?? '';
  if (algorithm === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return HOST_KEY_ALGORITHMS.filter((known) => known === algorithm);
}

/** Host key algorithms ssh2 can verify; another pinned algorithm simply never matches. */
const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-dss'] as const;
export type HostKeyAlgorithm = (typeof HOST_KEY_ALGORITHMS)[number];

function isFingerprint(hostKey: string): boolean {
  return hostKey.trim().startsWith('SHA256:');
}

/** The key blob of `algorithm base64 [comment]` (or of a bare base64 blob). */
function keyBlob(hostKey: string): Buffer {
  const words = hostKey.trim().split(/\s+/);
  return Buffer.from((words.length > 1 ? words[1] : words[0]) ?? '', 'base64');
}

/** A key blob starts with its algorithm name as an SSH string (uint32 length, then bytes). */
function blobAlgorithm(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return length > 0 && length <= 64 && blob.length >= 4 + length ? blob.toString('latin1', 4, 4 + length) : 'unknown';
}
