/**
 * An Aho–Corasick automaton over UTF-16 code units: it reads text one code unit at a time
 * and knows, after each one, the longest pattern that ends there and how much of the text's
 * tail could still become the start of a pattern. Written by hand because the redactor needs
 * exactly those two facts, incrementally across stream chunks, and no well-kept npm library
 * offers streaming multi-pattern matching with that information.
 *
 * Transitions are stored for the common case: a secret's variants are long strings that share
 * little, so nearly every state has exactly one transition. That one lives in two plain
 * arrays; only the few states with more (the root, branch points) get a map for the rest. A
 * map per state cost ~860 KB and ~6 ms for one private key's variants, paid by every attempt.
 */
export class PatternAutomaton {
  /** State 0 is the root (nothing matched). The code unit of each state's first transition, -1 for none. */
  readonly #firstUnit: number[] = [NONE];
  /** Where each state's first transition leads. */
  readonly #firstNext: number[] = [0];
  /** Transitions after the first, for the states that have them. */
  readonly #moreNext = new Map<number, Map<number, number>>();
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
      const next = this.#transition(current, codeUnit);
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

  #transition(state: number, codeUnit: number): number | undefined {
    if (this.#firstUnit[state] === codeUnit) return this.#firstNext[state];
    return this.#moreNext.get(state)?.get(codeUnit);
  }

  /** Every transition of a state, first one first. */
  *#transitions(state: number): Generator<[number, number]> {
    const unit = this.#firstUnit[state] ?? NONE;
    if (unit === NONE) return;
    yield [unit, this.#firstNext[state] ?? 0];
    const more = this.#moreNext.get(state);
    if (more) yield* more;
  }

  #insert(pattern: string): void {
    let state = 0;
    for (let i = 0; i < pattern.length; i += 1) {
      const codeUnit = pattern.charCodeAt(i);
      let next = this.#transition(state, codeUnit);
      if (next === undefined) {
        next = this.#firstUnit.push(NONE) - 1;
        this.#firstNext.push(0);
        this.#fail.push(0);
        this.#depth.push(i + 1);
        this.#longest.push(0);
        this.#pending.push(0);
        this.#addTransition(state, codeUnit, next);
      }
      state = next;
    }
    this.#longest[state] = pattern.length;
  }

  #addTransition(state: number, codeUnit: number, next: number): void {
    if (this.#firstUnit[state] === NONE) {
      this.#firstUnit[state] = codeUnit;
      this.#firstNext[state] = next;
      return;
    }
    let more = this.#moreNext.get(state);
    if (!more) this.#moreNext.set(state, (more = new Map()));
    more.set(codeUnit, next);
  }

  /** Breadth-first: a state's failure link, longest match and pending length come from shallower states. */
  #link(): void {
    const queue = [...this.#transitions(0)].map(([, child]) => child);
    for (const state of queue) this.#derive(state, 0);
    for (let head = 0; head < queue.length; head += 1) {
      const state = queue[head] as number;
      for (const [codeUnit, child] of this.#transitions(state)) {
        this.#derive(child, this.step(this.#fail[state] ?? 0, codeUnit));
        queue.push(child);
      }
    }
  }

  #derive(state: number, fail: number): void {
    this.#fail[state] = fail;
    this.#longest[state] = Math.max(this.#longest[state] ?? 0, this.#longest[fail] ?? 0);
    const extendable = this.#firstUnit[state] !== NONE;
    this.#pending[state] = extendable ? (this.#depth[state] ?? 0) : (this.#pending[fail] ?? 0);
  }
}

/** No transition (code units are 0…0xFFFF). */
const NONE = -1;
