/**
 * What was read from a query string, kept for the next time the very same text comes (a client's repeated
 * statements, a ping, BEGIN/COMMIT, a screen and the record reading one string). Keyed by the exact text: a
 * statement with other literals is another text. Bounded in entries and in the length of the texts it keeps; the
 * least recently used entry goes first. Values are shared between readers, so none may change them.
 *
 * With `secondSight`, a text is kept only when it comes again while a fingerprint of it is still in a fixed table
 * of numbers as large as the cache (so, about as soon as the cache could still hold it): texts that never repeat,
 * or repeat too far apart to be found again (a literal of their own each), then allocate nothing here, and leave no
 * cached readings to age into the old heap and be collected there.
 */
export class TextCache<V> {
  private readonly entries = new Map<string, V>();
  private readonly seen: Int32Array | undefined;

  constructor(
    private readonly maxEntries: number,
    private readonly maxTextLength: number,
    options: { secondSight?: boolean } = {},
  ) {
    // A power of two, so that a fingerprint's slot is its low bits.
    this.seen = options.secondSight ? new Int32Array(2 ** Math.ceil(Math.log2(maxEntries))) : undefined;
  }

  /** The cached value of `text`, else `read(text)`, kept when the text is short enough (and seen before). */
  get(text: string, read: (text: string) => V): V {
    const cached = this.entries.get(text);
    if (cached !== undefined || this.entries.has(text)) {
      // Re-inserted: a Map iterates in insertion order, so its first key is the least recently used.
      this.entries.delete(text);
      this.entries.set(text, cached as V);
      return cached as V;
    }
    const value = read(text);
    if (text.length <= this.maxTextLength && this.seenBefore(text)) {
      this.entries.set(text, value);
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    }
    return value;
  }

  /**
   * Whether the text's fingerprint is in the table, which it then holds: two to a slot, the newer first, so two
   * texts of one slot do not push each other out (a collision only keeps a text one sighting early).
   */
  private seenBefore(text: string): boolean {
    if (this.seen === undefined) return true;
    let hash = 0x811c9dc5;
    for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
    const slot = (hash & (this.seen.length / 2 - 1)) * 2;
    if (this.seen[slot] === hash || this.seen[slot + 1] === hash) return true;
    this.seen[slot + 1] = this.seen[slot] ?? 0;
    this.seen[slot] = hash;
    return false;
  }
}
