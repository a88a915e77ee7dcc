import { escapeId } from 'mysql2/promise';

/**
 * One configured privilege entry, `PRIVILEGES ON [TABLE] db.*` or `… ON [TABLE] db.table`, where a privilege
 * on a table may name its columns (`SELECT (id, total), UPDATE (total) ON shop.orders`), parsed so the
 * GRANT can be rebuilt from our own keyword list and the library's identifier quoting, never from the text.
 * Global (`*.*`) grants are refused: a temporary login must not get server-wide power.
 */
export interface ParsedPrivilege {
  privileges: string[];
  /** Only on a table: the columns a privilege is limited to; a privilege not named here covers the whole table. */
  columns?: Record<string, string[]>;
  database: string;
  /** null for `db.*`. */
  table: string | null;
}

/** MySQL 8 static privileges that apply to one table (and so to a database too). */
const TABLE_PRIVILEGES = new Set([
  'ALTER', 'CREATE', 'CREATE VIEW', 'DELETE', 'DROP', 'INDEX', 'INSERT', 'REFERENCES', 'SELECT', 'SHOW VIEW',
  'TRIGGER', 'UPDATE',
]);
/** Privileges that exist only at database (or global) level. */
const DATABASE_PRIVILEGES = new Set([
  ...TABLE_PRIVILEGES, 'ALTER ROUTINE', 'CREATE ROUTINE', 'CREATE TEMPORARY TABLES', 'EVENT', 'EXECUTE', 'LOCK TABLES',
]);
/** Privileges MySQL and MariaDB grant on single columns (GRANT, "column privileges"). */
const COLUMN_PRIVILEGES = new Set(['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']);
const ALL = new Set(['ALL', 'ALL PRIVILEGES']);
/** MySQL's column names are at most 64 characters. */
const MAX_COLUMN_LENGTH = 64;
const REFUSED: ReadonlyMap<string, string> = new Map([
  ['GRANT OPTION', 'GRANT OPTION would let a temporary login pass its access on'],
  ['USAGE', 'USAGE grants nothing'],
  ['PROXY', 'PROXY is not a database privilege'],
]);

type ParseResult = { ok: true; value: ParsedPrivilege } | { ok: false; problems: string[] };

export function parsePrivilege(text: string): ParseResult {
  const match = /^\s*((?:[A-Za-z ,]|\([^()]*\))+?)\s+ON\s+(?:TABLE\s+)?(\S.*?)\s*$/is.exec(text);
  if (!match?.[1] || !match[2]) {
    return { ok: false, problems: [`"${text}": expected "PRIVILEGE[, …] ON db.*" or "PRIVILEGE[, …] ON db.table"`] };
  }
  const object = parseObject(match[2]);
  if (!object) {
    return {
      ok: false,
      problems: [`"${text}": the object must be db.* or db.table (names plain [A-Za-z0-9_$] or in backticks)`],
    };
  }
  const list = parsePrivilegeList(match[1]);
  if (typeof list === 'string') return { ok: false, problems: [`"${text}": ${list}`] };
  const problems: string[] = [];
  const privileges = list.map((item) => item.privilege);
  const columns: Record<string, string[]> = {};
  for (const item of list) {
    if (item.columns === undefined) continue;
    if (object.table === null) problems.push(`"${text}": a column list is only allowed on one table (db.table), not on db.*`);
    else if (!COLUMN_PRIVILEGES.has(item.privilege)) problems.push(`"${text}": ${item.privilege} cannot be limited to columns (only ${[...COLUMN_PRIVILEGES].join(', ')})`);
    const tooLong = item.columns.find((column) => column.length > MAX_COLUMN_LENGTH);
    if (tooLong !== undefined) problems.push(`"${text}": column name "${tooLong}" is longer than ${MAX_COLUMN_LENGTH} characters`);
    if (new Set(item.columns).size !== item.columns.length) problems.push(`"${text}": a column is listed twice for ${item.privilege}`);
    columns[item.privilege] = item.columns;
  }
  const allowed = object.table === null ? DATABASE_PRIVILEGES : TABLE_PRIVILEGES;
  for (const privilege of privileges) {
    if (ALL.has(privilege)) {
      if (privileges.length > 1) problems.push(`"${text}": ALL cannot be combined with other privileges`);
    } else if (REFUSED.has(privilege)) {
      problems.push(`"${text}": ${REFUSED.get(privilege)}`);
    } else if (!allowed.has(privilege)) {
      problems.push(
        DATABASE_PRIVILEGES.has(privilege)
          ? `"${text}": ${privilege} applies to a whole database (db.*), not to one table`
          : `"${text}": unknown or server-wide privilege "${privilege}"`,
      );
    }
  }
  if (new Set(privileges).size !== privileges.length) problems.push(`"${text}": a privilege is listed twice`);
  if (problems.length > 0) return { ok: false, problems };
  const value: ParsedPrivilege = { privileges: privileges.map((p) => (ALL.has(p) ? 'ALL PRIVILEGES' : p)), ...object };
  if (Object.keys(columns).length > 0) value.columns = columns;
  return { ok: true, value };
}

const PLAIN_COLUMN = /^[A-Za-z0-9_$]+$/;
const PRIVILEGE_ITEM = /\s*([A-Za-z]+(?: +[A-Za-z]+)*)\s*(?:\(([^()]*)\))?\s*(,|$)/y;

/** `SELECT (id, `e-mail`), INSERT`: each privilege, upper-cased, with its column list if it has one. */
function parsePrivilegeList(text: string): { privilege: string; columns?: string[] }[] | string {
  const items: { privilege: string; columns?: string[] }[] = [];
  let at = 0;
  while (at < text.length) {
    PRIVILEGE_ITEM.lastIndex = at;
    const match = PRIVILEGE_ITEM.exec(text);
    if (!match?.[1]) return 'expected "PRIVILEGE [(column, …)][, …]" before ON';
    const privilege = match[1].replace(/\s+/g, ' ').toUpperCase();
    if (match[2] === undefined) items.push({ privilege });
    else {
      const columns = match[2].split(',').map((column) => column.trim());
      const bad = columns.find((column) => !PLAIN_COLUMN.test(column) && !/^`(?:[^`]|``)+`$/.test(column));
      if (bad !== undefined) return `column ${JSON.stringify(bad)} must be plain [A-Za-z0-9_$] or in backticks`;
      items.push({ privilege, columns: columns.map(unquote) });
    }
    at += match[0].length;
    if (match[3] === '') break;
  }
  return items;
}

export function checkPrivilege(text: string): string[] {
  const result = parsePrivilege(text);
  return result.ok ? [] : result.problems;
}

const PLAIN_NAME = '[A-Za-z0-9_$]+';
const QUOTED_NAME = '`(?:[^`]|``)+`';
const OBJECT = new RegExp(`^(${PLAIN_NAME}|${QUOTED_NAME})\\.(\\*|${PLAIN_NAME}|${QUOTED_NAME})$`, 's');

function parseObject(text: string): { database: string; table: string | null } | null {
  const match = OBJECT.exec(text);
  if (!match?.[1] || !match[2]) return null;
  return { database: unquote(match[1]), table: match[2] === '*' ? null : unquote(match[2]) };
}

function unquote(name: string): string {
  return name.startsWith('`') ? name.slice(1, -1).replaceAll('``', '`') : name;
}

/**
 * `SELECT, INSERT ON `db`.`table`` for a GRANT or REVOKE. At database level `_` and `%` in the name are
 * wildcards to the server, so they are escaped with a backslash to grant on exactly the named database
 * (MySQL reference, GRANT: "to use a _ character as part of a database name, specify it as \_").
 */
export function privilegeClause(privilege: ParsedPrivilege): string {
  const object =
    privilege.table === null
      ? `${escapeId(privilege.database.replace(/[\\_%]/g, '\\$&'), true)}.*`
      : `${escapeId(privilege.database, true)}.${escapeId(privilege.table, true)}`;
  const list = privilege.privileges.map((keyword) => {
    const columns = privilege.columns?.[keyword];
    return columns === undefined ? keyword : `${keyword} (${columns.map((column) => escapeId(column, true)).join(', ')})`;
  });
  return `${list.join(', ')} ON ${object}`;
}
