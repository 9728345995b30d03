/**
 * Epoch milliseconds with sub-millisecond resolution. Every process of a run is on the same
 * machine, so a time taken in a worker can be subtracted from one taken in the benchmark.
 */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
