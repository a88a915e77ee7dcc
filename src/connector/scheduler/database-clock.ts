import type { Logger } from '../log';
import type { Targets } from '../targets';

/** Past this, the connector's clock and a database's disagree enough to be reported. */
export const SKEW_TOLERANCE_MS = 2_000;
const CHECK_EVERY_MS = 30_000;

/**
 * The connector keeps time by its databases: their clocks are the ones that refuse a login at `notAfter`
 * (VALID UNTIL, lock events), so expiring, leasing and stamping `revokedAt` by the host's clock would put the
 * connector out of step with them whenever the host's clock is off. Each target's clock is read at start and
 * every CHECK_EVERY_MS; the offset is taken at the middle of the round trip. `now` is the host's clock moved by
 * the median offset of the targets measured (by none while none was).
 */
export class DatabaseClock {
  private readonly offsets = new Map<string, number>();
  /** The median of `offsets`, kept as they change: `now` is read for every statement the gateway records. */
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly targets: Targets,
    private readonly local: () => Date,
    private readonly log: Logger,
  ) {}

  readonly now = (): Date => new Date(this.local().getTime() + this.offset);

  /** Reads every target's clock once; a target that does not answer keeps its last offset. */
  async measure(): Promise<void> {
    await Promise.all(
      [...this.targets.values()].map(async ({ config, driver }) => {
        if (!driver.databaseTime) return;
        try {
          const before = this.local().getTime();
          const database = (await driver.databaseTime({})).getTime();
          const after = this.local().getTime();
          // Within half the round trip the two clocks cannot be told apart: agreeing is the honest reading.
          const measured = database - (before + after) / 2;
          const offset = Math.abs(measured) <= (after - before) / 2 ? 0 : measured;
          this.offsets.set(config.id, offset);
          this.offset = median([...this.offsets.values()]);
          if (Math.abs(offset) > SKEW_TOLERANCE_MS) this.log.warn({ event: 'clock.skew', target: config.id, offsetMs: Math.round(offset) });
        } catch (error) {
          this.log.warn({ event: 'clock.read_failed', target: config.id, error: (error as Error).message });
        }
      }),
    );
  }

  start(): void {
    this.timer ??= setInterval(() => void this.measure(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The skew of one target's clock in words, or null within tolerance (or not measured). */
  problem(targetId: string): string | null {
    const offset = this.offsets.get(targetId);
    if (offset === undefined || Math.abs(offset) <= SKEW_TOLERANCE_MS) return null;
    const seconds = (Math.abs(offset) / 1000).toFixed(1);
    return `clock skew: the connector's clock is ${seconds} s ${offset > 0 ? 'behind' : 'ahead of'} the database's; the connector keeps time by the database, but fix the host's clock (NTP)`;
  }
}

function median(values: number[]): number {
  const sorted = values.sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
