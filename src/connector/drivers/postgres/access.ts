import type { ClientBase } from 'pg';
import { DriverError, type AccessSpec } from '../driver';
import { toDriverError } from './errors';
import { assertRoleName } from './names';
import { parsePrivilege, type Privilege } from './privileges';
import { grantPrivilege, grantRole, revokePrivilege } from './statements';

function parseAccess(access: AccessSpec): Privilege[] {
  return access.privileges.map((text) => {
    const result = parsePrivilege(text);
    if (!result.ok) throw new DriverError('invalid_access', `privilege "${text}": ${result.problems.join('; ')}`, false);
    return result.value;
  });
}

/** Gives `grantee` the access level. GRANT is idempotent, so a retried grant can run this again. */
export async function applyAccess(client: ClientBase, access: AccessSpec, grantee: string): Promise<void> {
  const privileges = parseAccess(access);
  for (const role of access.memberOf) assertRoleName(role, 'memberOf role');
  try {
    for (const role of access.memberOf) await client.query(grantRole(role, grantee));
    for (const privilege of privileges) await client.query(grantPrivilege(privilege, grantee));
  } catch (error) {
    throw toDriverError(error, 'granting the access level', { applyingAccess: true });
  }
}

/** Statements taking back the access level's privileges as granted by this admin (DROP OWNED clears the rest). */
export function withdrawPrivileges(access: AccessSpec, grantee: string): string[] {
  return parseAccess(access).map((privilege) => revokePrivilege(privilege, grantee));
}
