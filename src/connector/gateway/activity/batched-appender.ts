/**
 * Appends in batches, off the path of the statements: what is added within `delayMs` of the first item of a batch
 * (or up to `maxItems`) is written by one `write`, and batches are written one at a time in the order they were
 * added, so the record keeps the order of `add`. Each `add` resolves once its batch is written, or rejects if that
 * write failed (the next batch is still written).
 */
export class BatchedAppender<T> {
  private pending: T[] = [];
  private batch: Promise<void> | undefined;
  /** Writes the collecting batch now instead of at its timer. */
  private release: (() => void) | undefined;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly limits: { delayMs: number; maxItems: number },
  ) {}

  add(item: T): Promise<void> {
    this.pending.push(item);
    if (this.batch === undefined) {
      let timer: NodeJS.Timeout | undefined;
      const due = new Promise<void>((resolve) => {
        this.release = resolve;
        timer = setTimeout(resolve, this.limits.delayMs);
      });
      this.batch = due.then(() => {
        clearTimeout(timer);
        const items = this.pending;
        this.pending = [];
        this.batch = undefined;
        this.release = undefined;
        this.tail = this.tail.catch(() => undefined).then(() => this.write(items));
        return this.tail;
      });
    }
    const batch = this.batch;
    if (this.pending.length >= this.limits.maxItems) this.release?.();
    return batch;
  }

  /** Writes what is pending now; resolves once everything added before this call was written or failed. */
  async settled(): Promise<void> {
    this.release?.();
    await this.batch?.catch(() => undefined);
    await this.tail.catch(() => undefined);
  }
}

/**
 * How the activity record batches: a statement's line is written at most 10 ms after it completed (a crash loses
 * at most that much of the record; nothing has been told it was written), in batches of at most 1,000.
 */
export const RECORD_BATCH = { delayMs: 10, maxItems: 1000 };
