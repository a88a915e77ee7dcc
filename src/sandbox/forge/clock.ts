import { AsyncResource } from 'node:async_hooks';

type Task = { at: number; seq: number; run: () => Promise<void> };

/** Time as the emulator's scheduled triggers, queue delays, retries and KVS TTLs see it. */
export interface Clock {
  now(): number;
  /** Runs `run` once the clock reaches `at`. */
  schedule(at: number, run: () => Promise<void>): void;
  stop(): void;
}

/**
 * On the platform a queued event or a scheduled trigger is an invocation of its own, never a continuation of
 * the invocation that pushed it: nothing the pusher set in an AsyncLocalStorage (its own or the app's) may
 * reach it. Each clock runs its tasks in the async scope it was created in, outside every invocation.
 */
function rootScope(): AsyncResource {
  return new AsyncResource('forge-emulator-clock');
}

/**
 * Time moves only when a test calls `advance`. Work already due (a queue event pushed without delay) still
 * runs at once, on the next turn of the event loop, as it would on the platform.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private tasks: Task[] = [];
  private stopped = false;
  private readonly root = rootScope();

  constructor(
    start: number,
    private readonly track: (work: Promise<void>) => void,
  ) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(at: number, run: () => Promise<void>): void {
    if (this.stopped) return;
    this.tasks.push({ at, seq: (this.seq += 1), run });
    if (at <= this.current) setImmediate(() => this.root.runInAsyncScope(() => this.track(this.runDue())));
  }

  /** Moves time forward, running every task that falls due on the way in time order, each at its own time. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError('advance needs a non-negative number of milliseconds');
    const target = this.current + ms;
    for (let next = this.takeNext(target); next !== undefined; next = this.takeNext(target)) {
      this.current = Math.max(this.current, next.at);
      await this.root.runInAsyncScope(next.run);
    }
    this.current = target;
  }

  stop(): void {
    this.stopped = true;
    this.tasks = [];
  }

  private async runDue(): Promise<void> {
    for (let next = this.takeNext(this.current); next !== undefined; next = this.takeNext(this.current)) {
      await this.root.runInAsyncScope(next.run);
    }
  }

  private takeNext(until: number): Task | undefined {
    const due = this.tasks.filter((task) => task.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
    if (due !== undefined) this.tasks = this.tasks.filter((task) => task !== due);
    return due;
  }
}

/** Wall-clock time, for the sandbox. */
export class RealClock implements Clock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly root = rootScope();

  constructor(private readonly track: (work: Promise<void>) => void) {}

  now(): number {
    return Date.now();
  }

  schedule(at: number, run: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.root.runInAsyncScope(run));
    }, Math.max(0, at - Date.now()));
    this.timers.add(timer);
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
