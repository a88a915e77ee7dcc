import { DriverError, type AccessSpec } from '../driver';
import { execFormatted, type Queryable } from './database-quoting';
import { parsePrivilege } from '../postgres/privileges';
import { renderGrant } from './privilege-grant';

/**
 * Gives `grantee` an access level: membership of each `memberOf` role, then each privilege entry. GRANT is
 * idempotent, so a retried grant runs this again safely. A role or object that does not exist surfaces as
 * the database's error (classified `invalid_access` by SQLSTATE).
 */
export async function applyAccess(db: Queryable, grantee: string, access: AccessSpec): Promise<void> {
  for (const role of access.memberOf) {
    await execFormatted(db, 'GRANT %I TO %I', role, grantee);
  }
  for (const entry of access.privileges) {
    const parsed = parsePrivilege(entry);
    if (!parsed.ok) throw new DriverError('invalid_access', `privilege ${JSON.stringify(entry)}: ${parsed.problems.join('; ')}`, false);
    const { template, identifiers } = renderGrant(parsed.value, grantee);
    await execFormatted(db, template, ...identifiers);
  }
}
