import { z } from 'zod';

/**
 * The grant a managed role belongs to, kept in its comment
 * (`COMMENT ON ROLE … IS 'jit:{"grantId":"…","target":"…"}'`), so reconciliation can tie roles on the server back
 * to ledger entries. Roles are cluster-wide while a target is one database: the target id keeps two targets on
 * one cluster from taking each other's logins for orphans. Anything else in a comment reads as null.
 */

const PREFIX = 'jit:';
const Comment = z.object({ grantId: z.string().min(1), target: z.string().min(1).optional() });

export interface GrantTag {
  grantId: string;
  /** Null on a role tagged before targets were recorded. */
  target: string | null;
}

export function encodeGrantComment(tag: { grantId: string; target: string }): string {
  return PREFIX + JSON.stringify({ grantId: tag.grantId, target: tag.target });
}

export function decodeGrantComment(comment: string | null): GrantTag | null {
  if (comment === null || !comment.startsWith(PREFIX)) return null;
  let json: unknown;
  try {
    json = JSON.parse(comment.slice(PREFIX.length));
  } catch {
    return null;
  }
  const parsed = Comment.safeParse(json);
  return parsed.success ? { grantId: parsed.data.grantId, target: parsed.data.target ?? null } : null;
}
