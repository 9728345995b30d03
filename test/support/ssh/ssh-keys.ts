import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import ssh2 from 'ssh2';

/** A host's public key as devices pin it (`algorithm base64`) and as OpenSSH prints it. */
export interface PublicHostKey {
  /** `ssh-ed25519 AAAA…`, no comment. */
  readonly hostKey: string;
  /** `SHA256:…`, as `ssh-keygen -lf` and OpenSSH's warnings show it. */
  readonly fingerprint: string;
}

/** An OpenSSH key pair: `private` in OpenSSH format, `public` as `ssh-ed25519 AAAA… comment`. */
export interface KeyPair {
  readonly private: string;
  readonly public: string;
}

/** An ed25519 key blob: string "ssh-ed25519" (4 + 11 bytes), string key (4 + 32 bytes). */
const ED25519_BLOB_LENGTH = 51;

/**
 * A fresh ed25519 key pair, made in-process (one process less per host than `ssh-keygen`
 * when hundreds of hosts start). ssh2 1.17 strips leading zero bytes from the public key,
 * so about one pair in 256 is malformed (sshd: "error in libcrypto"): such pairs are drawn again.
 */
export function generateKeyPair(options: { passphrase?: string; comment?: string } = {}): KeyPair {
  const settings = options.passphrase === undefined ? { comment: options.comment } : { comment: options.comment, passphrase: options.passphrase, cipher: 'aes256-ctr', rounds: 16 };
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', settings);
    if (Buffer.from(pair.public.split(' ')[1] ?? '', 'base64').length === ED25519_BLOB_LENGTH) return pair;
  }
}

/** Writes a fresh ed25519 host key to `path` (0600). */
export async function writeHostKey(path: string): Promise<PublicHostKey> {
  const pair = generateKeyPair();
  await writeFile(path, pair.private, { mode: 0o600 });
  const [algorithm = '', base64 = ''] = pair.public.split(' ');
  return { hostKey: `${algorithm} ${base64}`, fingerprint: sha256Fingerprint(base64) };
}

function sha256Fingerprint(base64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(base64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}
