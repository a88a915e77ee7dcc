import { BatchedAppender } from '../../../src/connector/gateway/activity/batched-appender';

describe('BatchedAppender', () => {
  it('writes what is added together in one batch, batches in the order of add, each add resolved once written', async () => {
    const batches: number[][] = [];
    const appender = new BatchedAppender<number>(async (items) => {
      batches.push(items);
    }, { delayMs: 5, maxItems: 3 });
    const added = [1, 2, 3, 4, 5].map((item) => appender.add(item));
    await Promise.all(added);
    await appender.add(6);
    expect(batches).toEqual([[1, 2, 3], [4, 5], [6]]);
  });

  it('rejects the adds of a failed batch and still writes the next one', async () => {
    const written: number[] = [];
    let fail = true;
    const appender = new BatchedAppender<number>(async (items) => {
      if (fail) {
        fail = false;
        throw new Error('disk full');
      }
      written.push(...items);
    }, { delayMs: 1, maxItems: 10 });
    await expect(appender.add(1)).rejects.toThrow('disk full');
    await appender.add(2);
    expect(written).toEqual([2]);
  });

  it('rejects only the add whose item the write reports as failed', async () => {
    const appender = new BatchedAppender<number>(async (items) => items.map((item) => (item === 2 ? new Error('refused') : undefined)), { delayMs: 1, maxItems: 10 });
    const outcomes = await Promise.all([1, 2, 3].map((item) => appender.add(item).then(() => 'written', (error: Error) => error.message)));
    expect(outcomes).toEqual(['written', 'refused', 'written']);
  });

  it('writes at once what is pending when asked to settle, without waiting for the delay', async () => {
    const written: number[] = [];
    const appender = new BatchedAppender<number>(async (items) => {
      written.push(...items);
    }, { delayMs: 60_000, maxItems: 1000 });
    void appender.add(1);
    void appender.add(2);
    await appender.settled();
    expect(written).toEqual([1, 2]);
  });
});
