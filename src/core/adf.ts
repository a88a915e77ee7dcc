import { z } from 'zod';

/** The slice of Atlassian Document Format the app writes: paragraphs of text with simple marks and links. */

export const adfTextSchema = z.strictObject({
  type: z.literal('text'),
  // ADF refuses empty text nodes.
  text: z.string().min(1),
  marks: z
    .array(z.union([z.strictObject({ type: z.enum(['strong', 'em', 'code']) }), z.strictObject({ type: z.literal('link'), attrs: z.strictObject({ href: z.url({ protocol: /^https?$/ }) }) })]))
    .min(1)
    .optional(),
});

export const adfParagraphSchema = z.strictObject({ type: z.literal('paragraph'), content: z.array(adfTextSchema).min(1) });

export const adfDocSchema = z.strictObject({
  version: z.literal(1),
  type: z.literal('doc'),
  content: z.array(adfParagraphSchema).min(1),
});

export type AdfText = z.infer<typeof adfTextSchema>;
export type AdfParagraph = z.infer<typeof adfParagraphSchema>;
export type AdfDoc = z.infer<typeof adfDocSchema>;

/** A paragraph is a list of pieces; plain strings become unmarked text, empty pieces are left out. */
export type ParagraphPiece = string | AdfText;

export function strong(text: string): AdfText {
  return { type: 'text', text, marks: [{ type: 'strong' }] };
}

export function code(text: string): AdfText {
  return { type: 'text', text, marks: [{ type: 'code' }] };
}

/** Text that links to `href` (a comment written as text, through JSM's request API, keeps only the text). */
export function link(text: string, href: string): AdfText {
  return { type: 'text', text, marks: [{ type: 'link', attrs: { href } }] };
}

export function adfDoc(paragraphs: ReadonlyArray<ReadonlyArray<ParagraphPiece>>): AdfDoc {
  const content = paragraphs
    .map((pieces) => pieces.map((piece) => (typeof piece === 'string' ? { type: 'text' as const, text: piece } : piece)).filter((node) => node.text.length > 0))
    .filter((nodes) => nodes.length > 0)
    .map((nodes): AdfParagraph => ({ type: 'paragraph', content: nodes }));
  return adfDocSchema.parse({ version: 1, type: 'doc', content });
}

/** The plain text of a document, one line per paragraph (for logs, tests and the sandbox). */
export function adfToText(doc: AdfDoc): string {
  return doc.content.map((paragraph) => paragraph.content.map((node) => node.text).join('')).join('\n');
}
