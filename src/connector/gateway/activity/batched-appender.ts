/**
 * Appends in batches, off the path of the statements: what is added within `delayMs` of the first item of a batch
 * (or up to `maxItems`) is written by one `write`, and batches are written one at a time in the order they were
 * added, so the record keeps the order of `add`. Each `add` resolves once its batch is written, or rejects if that
 * write failed, or if the write reports that item's own failure (the next batch is still written).
 */
export class BatchedAppender<T> {
  /** The batch that takes what is added now; undefined until something is. */
  private current: Batch<T> | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    /** Writes a batch; it may answer with each item's failure (undefined for an item written). */
    private readonly write: (items: T[]) => Promise<readonly (Error | undefined)[] | void>,
    private readonly limits: { delayMs: number; maxItems: number },
  ) {}

  add(item: T): Promise<void> {
    const batch = (this.current ??= this.open());
    const index = batch.items.push(item) - 1;
    if (batch.items.length >= this.limits.maxItems) this.seal(batch);
    return batch.written.then((failures) => {
      const failure = failures?.[index];
      if (failure !== undefined) throw failure;
    });
  }

  /** Writes what is pending now; resolves once everything added before this call was written or failed. */
  async settled(): Promise<void> {
    const batch = this.current;
    if (batch) this.seal(batch);
    await batch?.written.catch(() => undefined);
    await this.tail.catch(() => undefined);
  }

  private open(): Batch<T> {
    let release = (): void => undefined;
    const due = new Promise<void>((resolve) => {
      release = resolve;
    });
    const batch: Batch<T> = {
      items: [],
      release,
      timer: setTimeout(() => this.seal(batch), this.limits.delayMs),
      // Sealed batches resolve `due` in order, so their writes join the tail in order.
      written: due.then(() => {
        const written = this.tail.catch(() => undefined).then(() => this.write(batch.items));
        this.tail = written;
        return written;
      }),
    };
    return batch;
  }

  /** No more items join the batch; it is written once the batches before it are. */
  private seal(batch: Batch<T>): void {
    clearTimeout(batch.timer);
    if (this.current === batch) this.current = undefined;
    batch.release();
  }
}

interface Batch<T> {
  items: T[];
  release(): void;
  timer: NodeJS.Timeout;
  written: Promise<readonly (Error | undefined)[] | void>;
}

/**
 * How the activity record batches: a statement's line is written at most 10 ms after it completed (a crash loses
 * at most that much of the record; nothing has been told it was written), in batches of at most 1,000.
 */
export const RECORD_BATCH = { delayMs: 10, maxItems: 1000 };
