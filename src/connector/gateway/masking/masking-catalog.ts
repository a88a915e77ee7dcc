import type { ClientBase } from 'pg';
import { z } from 'zod';
import type { MaskingConfig, MaskKind } from './mask-schema';

/** What the gateway knows, for one session, about the masked columns of its target and what is built on them. */
export interface MaskingCatalog {
  /** `tableOid:attnum` of every masked column (partitions and inheritance children included) -> how it is shown. */
  columns: Map<string, MaskKind>;
  /** Names of the tables with masked columns. */
  tables: Set<string>;
  /** Names of the masked columns. */
  columnNames: Set<string>;
  /** Views and materialized views built, at any depth, on a table with masked columns. */
  views: Set<string>;
  /** Functions outside pg_catalog and information_schema: their bodies may read masked columns unseen. */
  functions: Set<string>;
}

const sql = {
  columns: `
    WITH RECURSIVE masked AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS m(schema, tbl, col, kind)),
    tables(oid, col, kind) AS (
      SELECT c.oid, m.col, m.kind FROM masked m
        JOIN pg_catalog.pg_namespace n ON n.nspname = m.schema
        JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = m.tbl
      UNION
      SELECT i.inhrelid, t.col, t.kind FROM tables t JOIN pg_catalog.pg_inherits i ON i.inhparent = t.oid
    )
    SELECT t.oid::text AS "table", c.relname::text AS name, a.attnum::int AS "column", t.col AS "columnName", t.kind
      FROM tables t JOIN pg_catalog.pg_class c ON c.oid = t.oid
      JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attname = t.col AND NOT a.attisdropped`,
  views: `
    WITH RECURSIVE built(oid) AS (
      SELECT unnest($1::oid[])
      UNION
      SELECT r.ev_class FROM built b
        JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid = b.oid
                                   AND d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
        JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
    )
    SELECT c.relname::text AS name FROM built b JOIN pg_catalog.pg_class c ON c.oid = b.oid WHERE c.relkind IN ('v', 'm')`,
  functions: `
    SELECT DISTINCT p.proname::text AS name FROM pg_catalog.pg_proc p
     WHERE p.pronamespace NOT IN ('pg_catalog'::pg_catalog.regnamespace, 'information_schema'::pg_catalog.regnamespace)`,
} as const;

const ColumnRow = z.object({ table: z.string(), name: z.string(), column: z.number().int(), columnName: z.string(), kind: z.enum(['email', 'partial', 'hash', 'null']) });
const NameRow = z.object({ name: z.string() });

/**
 * Reads, as the grant's login when its session opens, where the target's masked columns are. A masked column the
 * catalog does not have is simply absent (a config naming a column that is not there masks nothing there).
 */
export async function loadMaskingCatalog(client: ClientBase, masking: MaskingConfig): Promise<MaskingCatalog> {
  const entries = Object.entries(masking).map(([name, kind]) => [...name.split('.'), kind]);
  const columns = (await client.query(sql.columns, [0, 1, 2, 3].map((at) => entries.map((entry) => entry[at])))).rows.map((row) => ColumnRow.parse(row));
  const tableOids = [...new Set(columns.map((row) => row.table))];
  const views = (await client.query(sql.views, [tableOids])).rows.map((row) => NameRow.parse(row).name);
  const functions = (await client.query(sql.functions)).rows.map((row) => NameRow.parse(row).name);
  return {
    columns: new Map(columns.map((row) => [`${row.table}:${row.column}`, row.kind])),
    tables: new Set([...columns.map((row) => row.name), ...Object.keys(masking).map((name) => name.split('.')[1] ?? '')]),
    columnNames: new Set(Object.keys(masking).map((name) => name.split('.')[2] ?? '')),
    views: new Set(views),
    functions: new Set(functions),
  };
}
