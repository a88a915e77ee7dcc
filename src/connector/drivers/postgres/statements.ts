import { escapeIdentifier, escapeLiteral } from 'pg';
import { renderPrivilegeList, type Privilege } from './privileges';

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
                    WHERE m.member = r.oid AND g.rolname = $2) AS marked,
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
  /**
   * Everything a role owns in the current database that grants to others (column grants come with their table),
   * every routine it owns (it could run as the owner once reassigned: SECURITY DEFINER, a trigger, an index
   * expression), and every rule on a relation it owns (rule actions run with the relation owner's rights).
   */
  inventory: `
    WITH target AS (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1),
    grants AS (
      SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind, c.oid::pg_catalog.regclass::text AS object, a.grantee
        FROM pg_catalog.pg_class c JOIN target t ON c.relowner = t.oid, pg_catalog.aclexplode(c.relacl) a
      UNION
      SELECT 'TABLE', c.oid::pg_catalog.regclass::text, a.grantee
        FROM pg_catalog.pg_class c JOIN target t ON c.relowner = t.oid
        JOIN pg_catalog.pg_attribute att ON att.attrelid = c.oid, pg_catalog.aclexplode(att.attacl) a
      UNION
      SELECT 'SCHEMA', pg_catalog.quote_ident(n.nspname), a.grantee
        FROM pg_catalog.pg_namespace n JOIN target t ON n.nspowner = t.oid, pg_catalog.aclexplode(n.nspacl) a
      UNION
      SELECT CASE WHEN ty.typtype = 'd' THEN 'DOMAIN' ELSE 'TYPE' END, ty.oid::pg_catalog.regtype::text, a.grantee
        FROM pg_catalog.pg_type ty JOIN target t ON ty.typowner = t.oid, pg_catalog.aclexplode(ty.typacl) a
      UNION
      SELECT 'LARGE OBJECT', l.oid::text, a.grantee
        FROM pg_catalog.pg_largeobject_metadata l JOIN target t ON l.lomowner = t.oid, pg_catalog.aclexplode(l.lomacl) a
    )
    SELECT 'revoke' AS action, g.kind, g.object, CASE WHEN g.grantee = 0 THEN NULL ELSE r.rolname::text END AS name
      FROM grants g JOIN target t ON g.grantee <> t.oid LEFT JOIN pg_catalog.pg_roles r ON r.oid = g.grantee
     WHERE g.grantee = 0 OR r.oid IS NOT NULL
    UNION ALL
    SELECT 'drop-rule', 'RULE', w.ev_class::pg_catalog.regclass::text, w.rulename::text
      FROM pg_catalog.pg_rewrite w JOIN pg_catalog.pg_class c ON c.oid = w.ev_class JOIN target t ON c.relowner = t.oid
     WHERE w.rulename <> '_RETURN'
    UNION ALL
    SELECT 'drop-routine', 'ROUTINE', p.oid::pg_catalog.regprocedure::text, NULL
      FROM pg_catalog.pg_proc p JOIN target t ON p.proowner = t.oid
`,
  /**
   * Where a role left anything, from pg_shdepend's index (cheap, unlike the inventory): whether it owns objects in
   * the current database, and the other databases where it owns objects or holds privileges.
   */
  footprint: `
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_shdepend s
                    WHERE s.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND s.refobjid = r.oid AND s.deptype = 'o'
                      AND s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())) AS "ownsHere",
           ARRAY(SELECT DISTINCT d.datname::text
                   FROM pg_catalog.pg_shdepend s JOIN pg_catalog.pg_database d ON d.oid = s.dbid
                  WHERE s.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND s.refobjid = r.oid
                    AND d.datname <> pg_catalog.current_database()
                  ORDER BY 1) AS elsewhere
      FROM pg_catalog.pg_roles r
     WHERE r.rolname = $1`,
  /** A role still there, whether it can log in, its sessions, and what still depends on it across the cluster. */
  leftover: `
    SELECT r.rolcanlogin AS "canLogin",
           (SELECT count(*) FROM pg_catalog.pg_stat_activity a WHERE a.usename = r.rolname)::int AS sessions,
           (SELECT count(*) FROM pg_catalog.pg_shdepend s
             WHERE s.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND s.refobjid = r.oid)::int AS dependencies
      FROM pg_catalog.pg_roles r
     WHERE r.rolname = $1`,
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
  return `GRANT ${renderPrivilegeList(privilege, ident)} ON ${privilege.kind} ${object} TO ${ident(grantee)}`;
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
  return `REVOKE ${renderPrivilegeList(privilege, ident)} ON ${privilege.kind} ${object} FROM ${ident(grantee)} GRANTED BY CURRENT_USER`;
}

export function reassignOwned(name: string, owner: string): string {
  return `REASSIGN OWNED BY ${ident(name)} TO ${ident(owner)}`;
}

/** CASCADE where nothing the role owns may stay: what depends on it goes too. */
export function dropOwned(name: string, cascade: boolean): string {
  return `DROP OWNED BY ${ident(name)}${cascade ? ' CASCADE' : ''}`;
}

/**
 * Statements taking back, from objects a role owns, what it granted to others; and removing the code it wrote.
 * `object` is the database's own quoted rendering of the object (regclass, regprocedure…), as the catalog gave it.
 * Run by an admin that has the role's privileges, a REVOKE acts as the owner, so it removes the owner's grants.
 */
export function revokeAllOn(kind: 'TABLE' | 'SEQUENCE' | 'SCHEMA' | 'TYPE' | 'DOMAIN' | 'LARGE OBJECT', object: string, grantee: string | null): string {
  return `REVOKE ALL ON ${kind} ${object} FROM ${grantee === null ? 'PUBLIC' : ident(grantee)}`;
}

export function dropRule(rule: string, relation: string): string {
  return `DROP RULE IF EXISTS ${ident(rule)} ON ${relation}`;
}

/** A routine dropped by an earlier CASCADE (an aggregate over a dropped function) is already gone. */
export function dropRoutine(routine: string): string {
  return `DROP ROUTINE IF EXISTS ${routine} CASCADE`;
}

export function dropRole(name: string): string {
  return `DROP ROLE ${ident(name)}`;
}
