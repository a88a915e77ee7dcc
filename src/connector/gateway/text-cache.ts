/**
 * What was read from a query string, kept for the next time the very same text comes (a client's repeated
 * statements, a ping, BEGIN/COMMIT, a screen and the record reading one string). Keyed by the exact text: a
 * statement with other literals is another text. Bounded in entries and in the length of the texts it keeps; the
 * least recently used entry goes first. Values are shared between readers, so none may change them.
 *
 * A hit only stamps its entry: the map is changed only when a text is kept or let go. (Moving an entry to the end
 * of a long-lived Map on every hit makes V8 rebuild its table, in the old heap, every few hundred hits.)
 *
 * With `secondSight`, a text is kept only when it comes again while a fingerprint of it is still in a fixed table
 * of numbers as large as the cache (so, about as soon as the cache could still hold it): texts that never repeat,
 * or repeat too far apart to be found again (a literal of their own each), then allocate nothing here, and leave no
 * cached readings to age into the old heap and be collected there.
 */
export class TextCache<V> {
  private readonly entries = new Map<string, { value: V; used: number }>();
  private uses = 0;
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
    this.uses += 1;
    const cached = this.entries.get(text);
    if (cached) {
      cached.used = this.uses;
      return cached.value;
    }
    const value = read(text);
    if (text.length <= this.maxTextLength && this.seenBefore(text)) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.leastRecentlyUsed());
      this.entries.set(text, { value, used: this.uses });
    }
    return value;
  }

  private leastRecentlyUsed(): string {
    let oldest: string | undefined;
    let oldestUse = Infinity;
    for (const [text, { used }] of this.entries) {
      if (used < oldestUse) {
        oldest = text;
        oldestUse = used;
      }
    }
    return oldest ?? '';
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
