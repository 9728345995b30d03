/** Words longer than this get no suggestion; it bounds the distance computation. */
const MAX_WORD = 40;

/**
 * The known command closest to a misspelt one, for a "did you mean" hint, or null when
 * none is close. Hand-written: an edit distance over a dozen short names is a few lines,
 * not worth a dependency.
 */
export function suggestCommand(word: string, known: readonly string[]): string | null {
  if (word.length > MAX_WORD) return null;
  const lower = word.toLowerCase().replaceAll('_', '-');
  let best: { name: string; distance: number } | null = null;
  for (const name of known) {
    const distance = editDistance(lower, name);
    if (distance <= Math.max(2, Math.floor(name.length / 3)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name ?? null;
}

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
