export interface LatencySummary {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array; `p` in 0–100. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Rounds for display and JSON: milliseconds to 0.1, rates to 0.1. */
export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

export function roundSummary(summary: LatencySummary): LatencySummary {
  return {
    count: summary.count,
    min: round1(summary.min),
    p50: round1(summary.p50),
    p95: round1(summary.p95),
    p99: round1(summary.p99),
    max: round1(summary.max),
    mean: round1(summary.mean),
  };
}
