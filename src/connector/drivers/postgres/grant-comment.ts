import { z } from 'zod';

/**
 * The grant id of a managed role, kept in its comment (`COMMENT ON ROLE … IS 'jit:{"grantId":"…"}'`) so
 * reconciliation can tie roles on the server back to ledger entries. Anything else in a comment reads as null.
 */

const PREFIX = 'jit:';
const Comment = z.object({ grantId: z.string().min(1) });

export function encodeGrantComment(grantId: string): string {
  return PREFIX + JSON.stringify({ grantId });
}

export function decodeGrantComment(comment: string | null): string | null {
  if (comment === null || !comment.startsWith(PREFIX)) return null;
  let json: unknown;
  try {
    json = JSON.parse(comment.slice(PREFIX.length));
  } catch {
    return null;
  }
  const parsed = Comment.safeParse(json);
  return parsed.success ? parsed.data.grantId : null;
}
