/** Capped exponential backoff with full jitter: 0.5 s, 1 s, 2 s … up to 30 s, each drawn from [half, full]. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const full = Math.min(30_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + random() * (full / 2));
}
