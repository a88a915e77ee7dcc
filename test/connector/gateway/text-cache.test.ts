import { TextCache } from '../../../src/connector/gateway/text-cache';

/** A cache whose reads are counted per text. */
function counted(maxEntries: number, options: { secondSight?: boolean } = {}) {
  const cache = new TextCache<string>(maxEntries, 64, options);
  const reads = new Map<string, number>();
  const get = (text: string) =>
    cache.get(text, (read) => {
      reads.set(read, (reads.get(read) ?? 0) + 1);
      return read.toUpperCase();
    });
  return { get, reads };
}

describe('TextCache', () => {
  it('reads a text once and answers the same text from the cache after that', () => {
    const { get, reads } = counted(4);
    expect(get('select 1')).toBe('SELECT 1');
    expect(get('select 1')).toBe('SELECT 1');
    expect(get('select 2')).toBe('SELECT 2');
    expect([...reads]).toEqual([['select 1', 1], ['select 2', 1]]);
  });

  it('lets the least recently used text go first and keeps no text over its length bound', () => {
    const { get, reads } = counted(2);
    get('a');
    get('b');
    get('a');
    get('c');
    get('a');
    get('b');
    const long = 'x'.repeat(65);
    get(long);
    get(long);
    expect([...reads]).toEqual([['a', 1], ['b', 2], ['c', 1], [long, 2]]);
  });

  it('with secondSight, keeps a text from its second sighting and never one that repeats further apart than it holds', () => {
    const { get, reads } = counted(8, { secondSight: true });
    for (let round = 0; round < 5; round += 1) for (const text of ['begin', 'commit', 'select 1']) get(text);
    expect([...reads]).toEqual([['begin', 2], ['commit', 2], ['select 1', 2]]);
    const apart = counted(8, { secondSight: true });
    for (let index = 0; index < 2000; index += 1) apart.get(`select ${index % 500}`);
    expect(Math.min(...apart.reads.values())).toBeGreaterThanOrEqual(3);
  });
});
