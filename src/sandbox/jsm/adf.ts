export type AdfDocument = { type: 'doc'; version: 1; content: unknown[] };

/** Plain text to an Atlassian Document Format document, one paragraph per line. */
export function textToAdf(text: string): AdfDocument {
  const paragraphs = text.split('\n').map((line) =>
    line === '' ? { type: 'paragraph', content: [] } : { type: 'paragraph', content: [{ type: 'text', text: line }] },
  );
  return { type: 'doc', version: 1, content: paragraphs };
}

/** The text of an ADF document (paragraphs joined by newlines); a plain string is returned as is. */
export function adfToText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (!isNode(body)) return '';
  if (body.type === 'text' && typeof body.text === 'string') return body.text;
  const children = Array.isArray(body.content) ? body.content.map(adfToText) : [];
  return children.join(body.type === 'doc' || body.type === 'bulletList' || body.type === 'orderedList' ? '\n' : '');
}

export function isAdfDocument(body: unknown): body is AdfDocument {
  return isNode(body) && body.type === 'doc' && Array.isArray(body.content);
}

function isNode(value: unknown): value is { type?: unknown; text?: unknown; content?: unknown } {
  return typeof value === 'object' && value !== null;
}
