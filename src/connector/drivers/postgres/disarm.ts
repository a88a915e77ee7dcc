import type { InventoryItem } from './catalog';
import { dropRoutine, dropRule, revokeAllOn } from './statements';

/**
 * Statements that leave nothing of a role's making able to run with more privilege than the role had, once what
 * it owns is handed to the target's owner: every grant it gave on its objects is taken back, the rules on its
 * relations and the routines it wrote are dropped (CASCADE takes the triggers, defaults and indexes using them).
 * Grants first, while every object still exists; routines last, since their CASCADE may drop the others.
 */
export function disarm(items: readonly InventoryItem[]): string[] {
  const statements: string[] = [];
  for (const item of items) if (item.action === 'revoke') statements.push(revokeAllOn(item.kind, item.object, item.name));
  for (const item of items) if (item.action === 'drop-rule') statements.push(dropRule(item.name, item.object));
  for (const item of items) if (item.action === 'drop-routine') statements.push(dropRoutine(item.object));
  return statements;
}
