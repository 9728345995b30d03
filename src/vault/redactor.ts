import { PatternAutomaton } from './pattern-automaton.js';
import { secretVariants } from './redaction-variants.js';

/** What every redacted stretch of text becomes. */
export const REDACTION_MARKER = '[REDACTED]';

/**
 * Replaces secrets in text. Every occurrence of every secret, and of the encoded forms listed
 * in docs/vault.md, is covered; overlapping or touching occurrences become one marker, so no
 * fragment of any secret survives between two markers.
 */
export interface Redactor {
  redact(text: string): string;
  /** A redactor for one stream of text arriving in chunks (a transcript). */
  stream(): StreamingRedactor;
}

/**
 * Redacts text that arrives in chunks. The concatenation of everything `push` and `flush`
 * return equals `redact()` of the concatenated input, however the input was split — also
 * one character per chunk.
 */
export interface StreamingRedactor {
  /** Returns the text that is safe to emit now; holds back only a tail that may still become a secret. */
  push(chunk: string): string;
  /** Ends the stream: returns everything held back, redacted. The redactor can then start a new stream. */
  flush(): string;
}

/** A redactor for these secrets (empty strings are ignored). */
export function createRedactor(secrets: readonly string[]): Redactor {
  const patterns = new Set(secrets.flatMap((secret) => secretVariants(secret)));
  if (patterns.size === 0) return passThrough;
  const automaton = new PatternAutomaton(patterns);
  return Object.freeze({
    redact(text: string): string {
      const stream = new AutomatonStream(automaton);
      return stream.push(text) + stream.flush();
    },
    stream: () => new AutomatonStream(automaton),
  });
}

const passThrough: Redactor = Object.freeze({
  redact: (text: string) => text,
  stream: () => ({ push: (chunk: string) => chunk, flush: () => '' }),
});

interface Cover {
  start: number;
  end: number;
}

/**
 * Positions are absolute offsets in the whole stream. Text before `#held` has been emitted;
 * `#buffer` holds the rest. After reading position n, no match that is not complete yet can
 * start before n − pendingLength, so everything before that point is final and is emitted.
 */
class AutomatonStream implements StreamingRedactor {
  readonly #automaton: PatternAutomaton;
  #state = 0;
  #read = 0;
  #held = 0;
  #buffer = '';
  /** Sorted, disjoint, non-touching stretches to redact that reach past `#held`. */
  #covers: Cover[] = [];
  /** The last emitted character was redacted: a stretch continuing from it needs no new marker. */
  #inMarker = false;

  constructor(automaton: PatternAutomaton) {
    this.#automaton = automaton;
  }

  push(chunk: string): string {
    for (let i = 0; i < chunk.length; i += 1) {
      this.#state = this.#automaton.step(this.#state, chunk.charCodeAt(i));
      this.#read += 1;
      const length = this.#automaton.longestMatch(this.#state);
      if (length > 0) this.#cover(this.#read - length, this.#read);
    }
    this.#buffer += chunk;
    return this.#emitUntil(this.#read - this.#automaton.pendingLength(this.#state));
  }

  flush(): string {
    const rest = this.#emitUntil(this.#read);
    this.#state = this.#automaton.root;
    this.#read = 0;
    this.#held = 0;
    this.#inMarker = false;
    return rest;
  }

  #cover(start: number, end: number): void {
    let merged: Cover = { start, end };
    for (let last = this.#covers.at(-1); last !== undefined && last.end >= merged.start; last = this.#covers.at(-1)) {
      merged = { start: Math.min(last.start, merged.start), end: Math.max(last.end, merged.end) };
      this.#covers.pop();
    }
    this.#covers.push(merged);
  }

  #emitUntil(until: number): string {
    let out = '';
    let position = this.#held;
    for (const cover of this.#covers) {
      if (cover.start >= until) break;
      if (cover.start > position) {
        out += this.#text(position, cover.start);
        this.#inMarker = false;
      }
      if (!this.#inMarker) out += REDACTION_MARKER;
      this.#inMarker = true;
      position = Math.min(cover.end, until);
    }
    if (position < until) {
      out += this.#text(position, until);
      this.#inMarker = false;
    }
    this.#covers = this.#covers.filter((cover) => cover.end > until);
    this.#buffer = this.#buffer.slice(until - this.#held);
    this.#held = until;
    return out;
  }

  #text(from: number, to: number): string {
    return this.#buffer.slice(from - this.#held, to - this.#held);
  }
}
