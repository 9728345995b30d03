/**
 * Where commands print their results. Commands take it as a parameter (standard output by
 * default), so tests can run a command in-process and read what it printed.
 */
export interface CliOutput {
  /** Prints one line (a line break is added). */
  line(text: string): void;
  /** Prints text as is. */
  write(text: string): void;
}

export const standardOutput: CliOutput = Object.freeze({
  line: (text: string) => console.log(text),
  write: (text: string) => void process.stdout.write(text),
});
