import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedServer, type EmbeddedServer } from '../../../src/sandbox/start/embedded-server';

jest.setTimeout(90_000);

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the sandbox's embedded PostgreSQL server", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jit-embedded-'));
  const started: EmbeddedServer[] = [];
  const start = async () => {
    const server = await startEmbeddedServer(dataDir);
    started.push(server);
    return server;
  };
  afterAll(async () => {
    for (const server of started) await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only, with no socket file, and takes only the password it keeps', async () => {
    const server = await start();
    expect(await query(server.url('postgres'), "SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS sockets, current_setting('password_encryption') AS encryption")).toEqual([
      { listen: '127.0.0.1', sockets: '', encryption: 'scram-sha-256' },
    ]);
    const wrong = new URL(server.url('postgres'));
    wrong.password = 'not-the-password';
    await expect(query(wrong.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
    // Only the sandbox's user reads the password it keeps.
    expect(readFileSync(join(dataDir, 'postgres.password'), 'utf8').length).toBeGreaterThan(20);
    await query(server.url('postgres'), 'CREATE TABLE kept (id int)');
    await server.stop();
    await expect(query(server.url('postgres'), 'SELECT 1')).rejects.toThrow();
  });

  it('reopens a kept data directory as it was, stopping a server a killed sandbox left running on it first', async () => {
    await start();
    const pid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(alive(pid)).toBe(true);
    // The first server is never stopped by its owner, as after a SIGKILL of the sandbox.
    const server = await start();
    expect(alive(pid)).toBe(false);
    expect(await query(server.url('postgres'), "SELECT count(*)::int AS n FROM pg_catalog.pg_tables WHERE tablename = 'kept'")).toEqual([{ n: 1 }]);
  });
});
