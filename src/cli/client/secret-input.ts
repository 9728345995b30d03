import { createInterface } from 'node:readline';
import { OstiaryError } from '../../domain/index.js';

/**
 * Reads a secret without it ever being a process argument or an environment variable: from
 * a hidden prompt on a terminal, else the whole of standard input (one trailing newline
 * dropped), so scripts can pipe it in.
 */
export async function readSecret(prompt: string, field: string): Promise<string> {
  const value = process.stdin.isTTY ? await hiddenPrompt(prompt) : await readAllStdin();
  if (value === '') throw new OstiaryError('OST_VALIDATION', `${field}: expected a value on standard input or at the prompt`, { details: { field } });
  return value;
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** A prompt that echoes nothing while the secret is typed. */
function hiddenPrompt(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (text: string) => void };
  process.stderr.write(prompt);
  // readline has no public "no echo" switch; silencing its output writer is the usual way.
  output._writeToOutput = () => undefined;
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
