import type { ManagedRef } from '../driver';
import { LOGIN_HOST, type OperationContext } from './context';
import { accountState } from './tag';

/**
 * What is left of a revoked grant: the managed account (ephemeral login, or the role of existing-login mode,
 * whose grants to the customer's login go with it). A MariaDB role has the empty host; a MySQL 8 role is an
 * account on '%'.
 */
export async function remaining(ctx: OperationContext, request: ManagedRef): Promise<string[]> {
  const host = request.mode === 'existing-login' && ctx.db.flavour === 'mariadb' ? '' : LOGIN_HOST;
  const state = await accountState(ctx.db, ctx.marker, request.name, host);
  if (state.kind !== 'managed') return [];
  return [`${request.mode === 'ephemeral' ? 'login' : 'role'} ${JSON.stringify(request.name)} still exists`];
}
