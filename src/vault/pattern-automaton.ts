/**
 * An Aho–Corasick automaton over UTF-16 code units: it reads text one code unit at a time
 * and knows, after each one, the longest pattern that ends there and how much of the text's
 * tail could still become the start of a pattern. Written by hand because the redactor needs
 * exactly those two facts, incrementally across stream chunks, and no well-kept npm library
 * offers streaming multi-pattern matching with that information.
 */
export class PatternAutomaton {
  /** State 0 is the root (nothing matched). */
  readonly #next: Map<number, number>[] = [new Map()];
  readonly #fail: number[] = [0];
  readonly #depth: number[] = [0];
  readonly #longest: number[] = [0];
  /** Length of the longest suffix of a state's text that a longer pattern may still extend. */
  readonly #pending: number[] = [0];

  constructor(patterns: Iterable<string>) {
    for (const pattern of patterns) if (pattern.length > 0) this.#insert(pattern);
    this.#link();
  }

  get root(): number {
    return 0;
  }

  /** The state after reading `codeUnit` in `state`. */
  step(state: number, codeUnit: number): number {
    let current = state;
    for (;;) {
      const next = this.#next[current]?.get(codeUnit);
      if (next !== undefined) return next;
      if (current === 0) return 0;
      current = this.#fail[current] ?? 0;
    }
  }

  /** Length of the longest pattern ending at the last code unit read (0: none). */
  longestMatch(state: number): number {
    return this.#longest[state] ?? 0;
  }

  /**
   * Length of the longest tail of the text read so far that is a proper prefix of some
   * pattern: no match that is not yet complete can start before it.
   */
  pendingLength(state: number): number {
    return this.#pending[state] ?? 0;
  }

  #insert(pattern: string): void {
    let state = 0;
    for (let i = 0; i < pattern.length; i += 1) {
      const transitions = this.#next[state] as Map<number, number>;
      const codeUnit = pattern.charCodeAt(i);
      let next = transitions.get(codeUnit);
      if (next === undefined) {
        next = this.#next.push(new Map()) - 1;
        this.#fail.push(0);
        this.#depth.push(i + 1);
        this.#longest.push(0);
        this.#pending.push(0);
        transitions.set(codeUnit, next);
      }
      state = next;
    }
    this.#longest[state] = pattern.length;
  }

  /** Breadth-first: a state's failure link, longest match and pending length come from shallower states. */
  #link(): void {
    const queue = [...(this.#next[0] as Map<number, number>).values()];
    for (const state of queue) this.#derive(state, 0);
    for (let head = 0; head < queue.length; head += 1) {
      const state = queue[head] as number;
      for (const [codeUnit, child] of this.#next[state] as Map<number, number>) {
        this.#derive(child, this.step(this.#fail[state] ?? 0, codeUnit));
        queue.push(child);
      }
    }
  }

  #derive(state: number, fail: number): void {
    this.#fail[state] = fail;
    this.#longest[state] = Math.max(this.#longest[state] ?? 0, this.#longest[fail] ?? 0);
    const extendable = (this.#next[state] as Map<number, number>).size > 0;
    this.#pending[state] = extendable ? (this.#depth[state] ?? 0) : (this.#pending[fail] ?? 0);
  }
}
