import { createHmac } from 'node:crypto';
import type { MaskKind } from './mask-schema';

/** Result type OIDs whose text form is the value itself: text, varchar, bpchar, name, citext-like domains report their base. */
const TEXT_TYPES = new Set([25, 1043, 1042, 19]);

/**
 * The masked form of one value of a result column, or null for SQL NULL. A value in binary format, or of a type
 * whose text the masked form would not fit (a number, a date), becomes NULL: a client parses it by its type.
 */
export function maskValue(kind: MaskKind, value: Buffer, type: number, binary: boolean, hashKey: Buffer): Buffer | null {
  if (binary || !TEXT_TYPES.has(type)) return null;
  return maskText(kind, value, hashKey);
}

/** The masked form of a text value (any engine), or null for the `null` mask. */
export function maskText(kind: MaskKind, value: Buffer, hashKey: Buffer): Buffer | null {
  if (kind === 'null') return null;
  const text = value.toString('utf8');
  const chars = [...text];
  switch (kind) {
    case 'email': {
      const at = text.lastIndexOf('@');
      return Buffer.from(at < 1 ? '***' : `${chars[0]}***${text.slice(at)}`, 'utf8');
    }
    case 'partial':
      return Buffer.from(chars.length <= 2 ? '***' : `${chars[0]}***${chars.at(-1)}`, 'utf8');
    case 'hash':
      return Buffer.from(`h:${createHmac('sha256', hashKey).update(value).digest('hex').slice(0, 16)}`, 'utf8');
  }
}
