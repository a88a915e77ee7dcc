/** A comma-separated list edited as text ("a, b"); empty text is no list. */
export function splitList(text: string): string[] | undefined {
  const items = text.split(',').map((item) => item.trim()).filter(Boolean);
  return items.length ? items : undefined;
}
