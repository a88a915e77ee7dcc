import { escapeIdentifier } from 'pg';
import { withDatabase } from '../../connector/drivers/postgres/pool';
import { DEMO_SCHEMA } from '../../connector/drivers/demo-schema';
import type { EmbeddedServer } from './embedded-server';

/** The database of one demo target on the embedded server: `shop-dev` lives in `shop_dev`. */
function shopDatabase(targetId: string): string {
  return targetId.replace(/[^a-z0-9]+/g, '_');
}

/**
 * One database per demo target on the embedded server, seeded with the demo `shop` schema once (a kept data
 * directory keeps what was done to it). Returns each target's admin URL.
 */
export async function seedShopDatabases(server: EmbeddedServer, targetIds: readonly string[]): Promise<Record<string, string>> {
  const urls: Record<string, string> = {};
  for (const targetId of targetIds) {
    const database = shopDatabase(targetId);
    await withDatabase(server.url('postgres'), 'postgres', async (client) => {
      const { rows } = await client.query('SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1', [database]);
      if (rows.length === 0) await client.query(`CREATE DATABASE ${escapeIdentifier(database)}`);
    });
    await withDatabase(server.url('postgres'), database, async (client) => {
      const { rows } = await client.query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'shop'");
      if (rows.length === 0) await client.query(`BEGIN; ${DEMO_SCHEMA} COMMIT;`);
    });
    urls[targetId] = server.url(database);
  }
  return urls;
}
