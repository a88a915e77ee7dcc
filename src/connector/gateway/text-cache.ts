/**
 * What was read from a query string, kept for the next time the very same text comes (a client's repeated
 * statements, a ping, BEGIN/COMMIT, a screen and the record reading one string). Keyed by the exact text: a
 * statement with other literals is another text. Bounded in entries and in the length of the texts it keeps; the
 * least recently used entry goes first. Values are shared between readers, so none may change them.
 */
export class TextCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxTextLength: number,
  ) {}

  /** The cached value of `text`, else `read(text)`, kept when the text is short enough. */
  get(text: string, read: (text: string) => V): V {
    const cached = this.entries.get(text);
    if (cached !== undefined || this.entries.has(text)) {
      // Re-inserted: a Map iterates in insertion order, so its first key is the least recently used.
      this.entries.delete(text);
      this.entries.set(text, cached as V);
      return cached as V;
    }
    const value = read(text);
    if (text.length <= this.maxTextLength) {
      this.entries.set(text, value);
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    }
    return value;
  }
}
