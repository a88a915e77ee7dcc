/** Latency samples in milliseconds, summarised the way every bench table reports them. */
export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`;
}

export function ratio(value: number, baseline: number): string {
  return Number.isFinite(value / baseline) ? `${(value / baseline).toFixed(2)}×` : 'n/a';
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** Milliseconds spent in `work`, measured with the monotonic clock. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** `sides` starting at the one `round` places later: rounds that rotate give each side each place in turn. */
export function rotated<T>(sides: readonly T[], round: number): T[] {
  const at = round % Math.max(1, sides.length);
  return [...sides.slice(at), ...sides.slice(0, at)];
}

/** A load average (os.loadavg) as the tables print it. */
export function load(averages: readonly number[]): string {
  return averages.map((value) => value.toFixed(1)).join(' / ');
}

export type Side = 'direct' | 'bare relay' | 'gateway';

/** One round of one side in the gateway benches: its rate (statements or transactions a second) and latencies. */
export type SideRound = { rate: number; latenciesMs: number[] };

/**
 * The gateway benches' table rows, a side each from its rounds: its mean rate, that rate against direct's and the
 * bare relay's, its p50, what it adds to direct's p50, and its p99 (over every round's latencies).
 */
export function sideRows(rounds: Record<Side, readonly SideRound[]>): string[][] {
  const sides = Object.keys(rounds) as Side[];
  const rates = Object.fromEntries(sides.map((side) => [side, rounds[side].reduce((sum, round) => sum + round.rate, 0) / rounds[side].length])) as Record<Side, number>;
  const latencies = Object.fromEntries(sides.map((side) => [side, summarize(rounds[side].flatMap((round) => round.latenciesMs))])) as Record<Side, Summary>;
  return sides.map((side) => sideCells(side, rates, latencies));
}

function sideCells(side: Side, rates: Record<Side, number>, latencies: Record<Side, Summary>): string[] {
  const direct = side === 'direct';
  return [
    side,
    rates[side].toFixed(0),
    ratio(rates[side], rates.direct),
    direct ? '' : ratio(rates[side], rates['bare relay']),
    ms(latencies[side].p50),
    direct ? '' : ms(latencies[side].p50 - latencies.direct.p50),
    ms(latencies[side].p99),
  ];
}
