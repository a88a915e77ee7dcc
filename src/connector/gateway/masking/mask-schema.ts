import { z } from 'zod';

/**
 * How a masked column is shown to a level without `unmasked: true`: `email` keeps the first character and the
 * domain (`a***@example.com`), `partial` the first and last character (`J***n`), `hash` a keyed hash that is the
 * same for equal values within one connector run (`h:3f9a…`), `null` SQL NULL.
 */
export const maskKindSchema = z.enum(['email', 'partial', 'hash', 'null']);

export type MaskKind = z.infer<typeof maskKindSchema>;

/** `schema.table.column` -> kind; names as the catalog spells them (unquoted, case kept), without dots. */
export const maskingSchema = z.record(z.string(), maskKindSchema).superRefine((masking, ctx) => {
  for (const name of Object.keys(masking)) {
    if (!/^[^.\s"]+\.[^.\s"]+\.[^.\s"]+$/.test(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'a masked column is named schema.table.column, as the catalog spells them' });
    }
  }
});

export type MaskingConfig = z.infer<typeof maskingSchema>;
