import { escapeId, format, raw, type PoolConnection, type Raw, type SqlValue } from 'mysql2/promise';
import type { z } from 'zod';
import type { Flavour } from './flavour';

/**
 * One admin connection with the flavour it talks to. Statements are constant templates; `?` binds a value
 * and `??` an identifier through mysql2's own escaping (account-management statements cannot be prepared
 * with placeholders for names, so this is the client library's quoting, as the driver contract allows).
 */
export class Db {
  constructor(
    private readonly connection: PoolConnection,
    readonly flavour: Flavour,
  ) {}

  async run(template: string, values: SqlValue[] = []): Promise<void> {
    await this.connection.query(template, values);
  }

  async rows<T>(schema: z.ZodType<T>, template: string, values: SqlValue[] = []): Promise<T[]> {
    const [rows] = await this.connection.query(template, values);
    return Array.isArray(rows) ? rows.map((row) => schema.parse(row)) : [];
  }
}

/** `'user'@'host'`, both parts quoted as string literals by mysql2. */
export function account(user: string, host: string): Raw {
  return raw(format('?@?', [user, host]));
}

/** An existing role named in config: an identifier (MySQL reads `` `r` `` as the role 'r'@'%'). */
export function roleName(name: string): Raw {
  return raw(escapeId(name, true));
}

export function sqlList(items: Raw[]): Raw {
  return raw(items.map((item) => item.toSqlString()).join(', '));
}
