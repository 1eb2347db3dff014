// Percentiles and timing helpers shared by the benchmark parts.
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export interface Sampled {
  runs: number;
  p50: number;
  p95: number;
  max: number;
}

/**
 * Runs `fn` once to warm up, then repeatedly: at least `minRuns` times (once when the
 * warm-up alone took longer than `budgetMs`), at most `maxRuns`, and stops early once
 * `budgetMs` is spent (slow queries on a big table get fewer runs).
 */
export async function sample(
  fn: () => Promise<unknown>,
  minRuns: number,
  maxRuns: number,
  budgetMs: number,
): Promise<Sampled> {
  const warm = performance.now();
  await fn();
  // A query slower than the whole budget is timed once more: its order of magnitude is the finding.
  if (performance.now() - warm > budgetMs) minRuns = 1;
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxRuns && (times.length < minRuns || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { runs: times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)! };
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
