import { renderPrivilegeList, type Privilege } from '../postgres/privileges';

/**
 * PGlite speaks PostgreSQL's GRANT syntax, so entries are parsed by the PostgreSQL driver's grammar; only the
 * quoting differs: here the database quotes through `format('%I')`. Returns the template (keywords from the
 * grammar and `%I` placeholders only) and its identifiers in order, the grantee last.
 */
export function renderGrant(privilege: Privilege, grantee: string): { template: string; identifiers: string[] } {
  const columns: string[] = [];
  const list = renderPrivilegeList(privilege, (column) => {
    columns.push(column);
    return '%I';
  });
  const object = privilege.schema === undefined ? '%I' : '%I.%I';
  const names = privilege.schema === undefined ? [privilege.name] : [privilege.schema, privilege.name];
  return { template: `GRANT ${list} ON ${privilege.kind} ${object} TO %I`, identifiers: [...columns, ...names, grantee] };
}
