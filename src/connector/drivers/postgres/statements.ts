import { escapeIdentifier, escapeLiteral } from 'pg';
import type { Privilege } from './privileges';

/**
 * Every statement the driver sends. Statements that take identifiers are constant templates whose holes are
 * filled only through pg's own quoting (`escapeIdentifier` / `escapeLiteral`) or with keywords from this
 * module; catalog queries bind their values as parameters. A password reaches this module only as a SCRAM
 * verifier, never as plaintext.
 */

const ident = escapeIdentifier;

export const sql = {
  roleState: `
    SELECT r.rolcanlogin AS "canLogin",
           EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                    WHERE m.member = r.oid AND g.rolname = $2) AS managed,
           pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment
      FROM pg_catalog.pg_roles r
     WHERE r.rolname = $1`,
  roleExists: `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1) AS exists`,
  managedRoles: `
    SELECT r.rolname AS name, pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment
      FROM pg_catalog.pg_roles r
      JOIN pg_catalog.pg_auth_members m ON m.member = r.oid
      JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
     WHERE g.rolname = $1
     ORDER BY r.rolname`,
  /** Roles the managed group role was granted to (existing-login mode), other than through the marker. */
  groupMembers: `
    SELECT r.rolname AS name
      FROM pg_catalog.pg_auth_members m
      JOIN pg_catalog.pg_roles r ON r.oid = m.member
      JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
     WHERE g.rolname = $1
     ORDER BY r.rolname`,
  /** The one-argument form does not wait (timeout 0); we confirm by polling in shorter steps than its 100 ms. */
  terminateSessions: `
    SELECT pid, pg_catalog.pg_terminate_backend(pid) AS signalled
      FROM pg_catalog.pg_stat_activity
     WHERE usename = $1 AND pid <> pg_catalog.pg_backend_pid()`,
  /**
   * PostgreSQL rewrites an object's ACL without locking the object, so two transactions that GRANT on, or
   * DROP OWNED from, the same schema or table at once fail with "tuple concurrently updated" (XX000, not
   * retryable). Every transaction of ours that changes privileges takes this lock first, so they queue
   * instead, across connector replicas too; it is released at commit or rollback.
   */
  aclLock: "SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('jit-connector: privileges'))",
  ping: 'SELECT 1 AS ok',
  begin: 'BEGIN',
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
} as const;

export function createMarkerRole(marker: string): string {
  return `CREATE ROLE ${ident(marker)} NOLOGIN`;
}

export interface LoginSpec {
  name: string;
  marker: string;
  /** `SCRAM-SHA-256$…`, never the plaintext. */
  verifier: string;
  validUntil: Date;
  login: boolean;
}

export function createLogin(spec: LoginSpec): string {
  return (
    `CREATE ROLE ${ident(spec.name)} ${spec.login ? 'LOGIN' : 'NOLOGIN'} PASSWORD ${escapeLiteral(spec.verifier)} ` +
    `VALID UNTIL ${escapeLiteral(spec.validUntil.toISOString())} IN ROLE ${ident(spec.marker)}`
  );
}

export function rotateLogin(spec: Omit<LoginSpec, 'marker'>): string {
  return (
    `ALTER ROLE ${ident(spec.name)} ${spec.login ? 'LOGIN' : 'NOLOGIN'} PASSWORD ${escapeLiteral(spec.verifier)} ` +
    `VALID UNTIL ${escapeLiteral(spec.validUntil.toISOString())}`
  );
}

export function createGroupRole(name: string, marker: string): string {
  return `CREATE ROLE ${ident(name)} NOLOGIN IN ROLE ${ident(marker)}`;
}

export function commentOnRole(name: string, comment: string): string {
  return `COMMENT ON ROLE ${ident(name)} IS ${escapeLiteral(comment)}`;
}

export function setLogin(name: string, login: boolean): string {
  return `ALTER ROLE ${ident(name)} ${login ? 'LOGIN' : 'NOLOGIN'}`;
}

export function setValidUntil(name: string, validUntil: Date): string {
  return `ALTER ROLE ${ident(name)} VALID UNTIL ${escapeLiteral(validUntil.toISOString())}`;
}

export function grantRole(role: string, grantee: string): string {
  return `GRANT ${ident(role)} TO ${ident(grantee)}`;
}

export function revokeRole(role: string, grantee: string): string {
  return `REVOKE ${ident(role)} FROM ${ident(grantee)}`;
}

export function grantPrivilege(privilege: Privilege, grantee: string): string {
  const object = privilege.schema === undefined ? ident(privilege.name) : `${ident(privilege.schema)}.${ident(privilege.name)}`;
  return `GRANT ${privilege.privileges.join(', ')} ON ${privilege.kind} ${object} TO ${ident(grantee)}`;
}

/**
 * REASSIGN OWNED and DROP OWNED need the privileges of the role they name; a least-privilege admin (CREATEROLE,
 * not superuser) on PostgreSQL 15 is not a member of the roles it created, so it joins the role first. DROP ROLE
 * then removes that membership with the role.
 */
export function joinRole(name: string): string {
  return `GRANT ${ident(name)} TO CURRENT_USER`;
}

/**
 * Names the grantor: an admin that is also a member of the object's owner role would otherwise revoke as the
 * owner and leave its own grant behind (which then blocks DROP ROLE with 2BP01).
 */
export function revokePrivilege(privilege: Privilege, grantee: string): string {
  const object = privilege.schema === undefined ? ident(privilege.name) : `${ident(privilege.schema)}.${ident(privilege.name)}`;
  return `REVOKE ${privilege.privileges.join(', ')} ON ${privilege.kind} ${object} FROM ${ident(grantee)} GRANTED BY CURRENT_USER`;
}

/** `owner` undefined hands objects to the admin user the connector is connected as. */
export function reassignOwned(name: string, owner: string | undefined): string {
  return `REASSIGN OWNED BY ${ident(name)} TO ${owner === undefined ? 'CURRENT_USER' : ident(owner)}`;
}

export function dropOwned(name: string): string {
  return `DROP OWNED BY ${ident(name)}`;
}

export function dropRole(name: string): string {
  return `DROP ROLE ${ident(name)}`;
}
