import { Client } from 'pg';
import { uniqueSuffix } from './servers';

export interface ScratchDatabase {
  /** The admin URL pointed at the new database. */
  url: string;
  /** Drops it, ending any session still on it. */
  drop(): Promise<void>;
}

/** A PostgreSQL database of its own for one test file (a shared ledger, say), on the server of `adminUrl`. */
export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${uniqueSuffix()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
