import { raw, type Raw } from 'mysql2/promise';
import { DriverError, type AccessSpec } from '../driver';
import { parsePrivilege, privilegeClause, type ParsedPrivilege } from './privileges';
import { roleName, type Db } from './sql';

export interface ParsedAccess {
  roles: string[];
  privileges: ParsedPrivilege[];
}

/** Validate the access level again at use; the config check at start should have refused the same. */
export function parseAccess(access: AccessSpec): ParsedAccess {
  const privileges: ParsedPrivilege[] = [];
  const problems: string[] = [];
  for (const text of access.privileges) {
    const result = parsePrivilege(text);
    if (result.ok) privileges.push(result.value);
    else problems.push(...result.problems);
  }
  if (problems.length > 0) throw new DriverError('invalid_access', problems.join('; '), false);
  return { roles: access.memberOf, privileges };
}

/** GRANT every role and privilege of the access level to `grantee` (an account or a role). Idempotent. */
export async function grantAccess(db: Db, grantee: Raw, access: ParsedAccess): Promise<void> {
  for (const role of access.roles) await db.run('GRANT ? TO ?', [roleName(role), grantee]);
  for (const privilege of access.privileges) {
    await db.run('GRANT ? TO ?', [raw(privilegeClause(privilege)), grantee]);
  }
}
