import { Connection as MysqlConnection } from 'mysql2';
import { Client as PgClient } from 'pg';
import { z } from 'zod';

/**
 * Records the statements the connector's drivers send, by wrapping the client libraries' `query` in this
 * process, so a baseline can send exactly the same SQL over one plain connection. Recording is off until
 * `record` is called; `take` returns what was recorded since for one engine (the connector also reads every
 * target's clock now and then, which must not land in another engine's baseline) and empties the buffer.
 */
export type Engine = 'postgres' | 'mysql';

export interface Statement {
  text: string;
  values: unknown[];
}

const pgArgs = z.union([
  z.tuple([z.string()]).rest(z.unknown()).transform(([text, values]) => ({ text, values: Array.isArray(values) ? values : [] })),
  z
    .tuple([z.object({ text: z.string(), values: z.array(z.unknown()).optional() })])
    .rest(z.unknown())
    .transform(([query]) => ({ text: query.text, values: query.values ?? [] })),
]);

const mysqlArgs = z.union([
  z.tuple([z.string()]).rest(z.unknown()).transform(([text, values]) => ({ text, values: Array.isArray(values) ? values : [] })),
  z
    .tuple([z.object({ sql: z.string(), values: z.array(z.unknown()).optional() })])
    .rest(z.unknown())
    .transform(([query]) => ({ text: query.sql, values: query.values ?? [] })),
]);

export class StatementCapture {
  private buffer: (Statement & { engine: Engine })[] | null = null;

  private constructor() {}

  /** Installs the recorders on pg's Client and mysql2's Connection (pool connections inherit from both). */
  static install(): StatementCapture {
    const capture = new StatementCapture();
    const pgQuery = PgClient.prototype.query;
    PgClient.prototype.query = function (this: PgClient, ...args: unknown[]) {
      capture.buffer?.push({ ...pgArgs.parse(args), engine: 'postgres' });
      return Reflect.apply(pgQuery, this, args);
    } as typeof pgQuery;
    const mysqlQuery = MysqlConnection.prototype.query;
    MysqlConnection.prototype.query = function (this: MysqlConnection, ...args: unknown[]) {
      capture.buffer?.push({ ...mysqlArgs.parse(args), engine: 'mysql' });
      return Reflect.apply(mysqlQuery, this, args);
    } as typeof mysqlQuery;
    return capture;
  }

  record(): void {
    this.buffer = [];
  }

  take(engine: Engine): Statement[] {
    const taken = (this.buffer ?? []).filter((statement) => statement.engine === engine).map(({ text, values }) => ({ text, values }));
    this.buffer = null;
    return taken;
  }
}
