import { z } from 'zod';
import type { Db } from './sql';

/*
 * How a managed account is tagged: a JSON member `"<marker>": {"grantId": "…"}` stored with the account
 * itself, so the tag lives and dies with it and nothing else has to be kept in step.
 *
 * - MySQL 8: the account's ATTRIBUTE JSON (`CREATE USER … ATTRIBUTE '{…}'`, read back from
 *   INFORMATION_SCHEMA.USER_ATTRIBUTES). Written in the CREATE USER statement itself.
 * - MariaDB 10.11 has no COMMENT/ATTRIBUTE clause (CREATE USER … COMMENT is a syntax error). Its account
 *   options live in the JSON column mysql.global_priv.Priv, and the server edits that JSON in place: a
 *   member it does not know survives ALTER USER (password, lock, resource limits), GRANT, SET DEFAULT ROLE
 *   and FLUSH PRIVILEGES (checked on 10.11.19). So the tag is written there with JSON_SET right after
 *   CREATE USER/ROLE. The server never reads it, so no FLUSH PRIVILEGES is needed. A table of our own would
 *   be a second record that can drift from the accounts; this one is dropped with the account.
 *   The one gap: MariaDB cannot create and tag in one statement, so the account is created locked and with
 *   no privileges, and only then tagged and opened.
 */

/** Members MariaDB itself keeps in mysql.global_priv.Priv; a marker must not collide with them. */
const MARIADB_PRIV_KEYS = new Set([
  'access', 'version_id', 'plugin', 'authentication_string', 'auth_or', 'account_locked', 'password_last_changed',
  'password_lifetime', 'default_role', 'max_questions', 'max_updates', 'max_connections', 'max_user_connections',
  'max_statement_time', 'ssl_type', 'ssl_cipher', 'x509_issuer', 'x509_subject', 'is_role',
]);

export function markerProblem(marker: string): string | null {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(marker)) return `marker "${marker}" must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*)`;
  if (MARIADB_PRIV_KEYS.has(marker)) return `marker "${marker}" is a name MariaDB uses for its own account options`;
  return null;
}

export type AccountState = { kind: 'absent' } | { kind: 'unmanaged' } | { kind: 'managed'; grantId: string | null };

/**
 * An account's JSON: text, or an object when mysql2 sees a JSON column type and parses it itself (it does for
 * MariaDB's global_priv.Priv). Unparseable text reads as no object: such an account carries no tag.
 */
export const jsonColumn = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .nullable()
  .transform((value): Record<string, unknown> => {
    if (typeof value !== 'string') return value ?? {};
    try {
      const parsed = z.record(z.string(), z.unknown()).safeParse(JSON.parse(value));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  });
const tagValue = z.object({ grantId: z.string().nullable().optional() });

function tagIn(json: Record<string, unknown>, marker: string): { grantId: string | null } | null {
  if (!(marker in json)) return null;
  const tag = tagValue.safeParse(json[marker]);
  return { grantId: tag.success ? (tag.data.grantId ?? null) : null };
}

const existsRow = z.object({ found: z.union([z.number(), z.string(), z.bigint()]) });
const mariaRow = z.object({ user: z.string(), host: z.string(), priv: jsonColumn });
const mysqlRow = z.object({ user: z.string(), host: z.string(), attribute: jsonColumn });

export async function accountState(db: Db, marker: string, user: string, host: string): Promise<AccountState> {
  if (db.flavour === 'mariadb') {
    const rows = await db.rows(
      mariaRow,
      'SELECT User AS user, Host AS host, Priv AS priv FROM mysql.global_priv WHERE User = ? AND Host = ?',
      [user, host],
    );
    const row = rows[0];
    if (!row) return { kind: 'absent' };
    const tag = tagIn(row.priv, marker);
    return tag ? { kind: 'managed', grantId: tag.grantId } : { kind: 'unmanaged' };
  }
  const exists = await db.rows(existsRow, 'SELECT 1 AS found FROM mysql.user WHERE User = ? AND Host = ?', [user, host]);
  if (exists.length === 0) return { kind: 'absent' };
  const rows = await db.rows(
    mysqlRow,
    'SELECT USER AS user, HOST AS host, ATTRIBUTE AS attribute FROM INFORMATION_SCHEMA.USER_ATTRIBUTES WHERE USER = ? AND HOST = ?',
    [user, host],
  );
  const tag = rows[0] ? tagIn(rows[0].attribute, marker) : null;
  return tag ? { kind: 'managed', grantId: tag.grantId } : { kind: 'unmanaged' };
}

/** The ATTRIBUTE JSON for MySQL's CREATE/ALTER USER. */
export function tagAttribute(marker: string, grantId: string): string {
  return JSON.stringify({ [marker]: { grantId } });
}

/** Tag (or re-tag with a new grant id) an existing account. */
export async function writeTag(db: Db, marker: string, user: string, host: string, grantId: string): Promise<void> {
  if (db.flavour === 'mariadb') {
    await db.run(
      "UPDATE mysql.global_priv SET Priv = JSON_SET(Priv, ?, JSON_OBJECT('grantId', ?)) WHERE User = ? AND Host = ?",
      [`$."${marker}"`, grantId, user, host],
    );
    return;
  }
  await db.run('ALTER USER ?@? ATTRIBUTE ?', [user, host, tagAttribute(marker, grantId)]);
}

export async function listTagged(db: Db, marker: string): Promise<{ user: string; host: string; grantId: string | null }[]> {
  const accounts =
    db.flavour === 'mariadb'
      ? (await db.rows(mariaRow, 'SELECT User AS user, Host AS host, Priv AS priv FROM mysql.global_priv')).map((row) => ({
          ...row,
          json: row.priv,
        }))
      : (
          await db.rows(
            mysqlRow,
            'SELECT USER AS user, HOST AS host, ATTRIBUTE AS attribute FROM INFORMATION_SCHEMA.USER_ATTRIBUTES WHERE ATTRIBUTE IS NOT NULL',
          )
        ).map((row) => ({ ...row, json: row.attribute }));
  return accounts.flatMap(({ user, host, json }) => {
    const tag = tagIn(json, marker);
    return tag ? [{ user, host, grantId: tag.grantId }] : [];
  });
}
