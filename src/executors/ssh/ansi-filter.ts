/**
 * Removes terminal escape sequences (ECMA-48: CSI, OSC/DCS strings, two-character escapes)
 * from a stream of text, also when a sequence arrives split across chunks.
 *
 * Hand-written rather than `strip-ansi`: those libraries clean whole strings, and a PTY
 * splits `ESC [ ? 2 0 0 4 h` across reads at any byte; a dangling `ESC [` would either
 * be kept (and break a literal match) or eat text that follows in the next chunk.
 */
export class AnsiFilter {
  #state: State = 'text';
  /** Characters swallowed by the current control sequence, to give up on a malformed one. */
  #length = 0;

  /** Returns the chunk without escape sequences; an unfinished sequence is remembered. */
  push(chunk: string): string {
    let out = '';
    for (const char of chunk) {
      if (this.#state === 'text' && !isIntroducer(char)) out += char;
      else this.#step(char);
    }
    return out;
  }

  #step(char: string): void {
    const code = char.charCodeAt(0);
    this.#length += 1;
    if (this.#length > MAX_SEQUENCE) return this.#to('text');
    switch (this.#state) {
      case 'text':
        return this.#to(code === ESC ? 'escape' : code === C1_CSI ? 'csi' : 'string');
      case 'escape':
        return this.#afterEscape(code);
      case 'escape-intermediate':
        // ESC ( B and friends: intermediates 0x20–0x2F, then one final character.
        return code >= 0x20 && code <= 0x2f ? undefined : this.#to('text');
      case 'csi':
        return code >= 0x40 && code <= 0x7e ? this.#to('text') : undefined;
      case 'string':
        if (code === BEL) return this.#to('text');
        return code === ESC ? this.#to('string-escape') : undefined;
      case 'string-escape':
        // ESC \ ends the string; any other ESC inside a string also ends it (xterm does too).
        return this.#to('text');
    }
  }

  #afterEscape(code: number): void {
    if (code === 0x5b) return this.#to('csi'); // ESC [
    if (STRING_INTRODUCERS.has(code)) return this.#to('string'); // ESC ] P X ^ _
    if (code >= 0x20 && code <= 0x2f) return this.#to('escape-intermediate');
    this.#to('text'); // ESC 7, ESC =, ESC M …: one final character
  }

  #to(state: State): void {
    this.#state = state;
    if (state === 'text') this.#length = 0;
  }
}

type State = 'text' | 'escape' | 'escape-intermediate' | 'csi' | 'string' | 'string-escape';

const ESC = 0x1b;
const BEL = 0x07;
/** 8-bit CSI and OSC, when a device sends C1 controls as characters. */
const C1_CSI = 0x9b;
const C1_OSC = 0x9d;
/** `]` OSC, `P` DCS, `X` SOS, `^` PM, `_` APC: strings ended by BEL or ESC \. */
const STRING_INTRODUCERS: ReadonlySet<number> = new Set([0x5d, 0x50, 0x58, 0x5e, 0x5f]);
/** Longer than any real control sequence; a title string (OSC) is the longest kind. */
const MAX_SEQUENCE = 4096;

function isIntroducer(char: string): boolean {
  const code = char.charCodeAt(0);
  return code === ESC || code === C1_CSI || code === C1_OSC;
}
