import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWith } from '../../support/servers';
import { spawnConnector, writeConfig, type ConnectorProcess } from '../crash/connector-process';
import { postgresFixture } from '../support/harness';

/**
 * The file ledger admits one connector at a time. A crash must not leave a lock behind that stops the next
 * start: the kernel may not have reaped the dead process yet, or may have given its pid to another process.
 */
describeWith('postgres', 'file ledger lock after a crash', (adminUrl) => {
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  let dir: string;
  let configPath: string;
  const running = new Set<ConnectorProcess>();

  beforeAll(async () => {
    fixture = await postgresFixture(adminUrl);
    dir = mkdtempSync(join(tmpdir(), 'jit-lock-'));
    configPath = writeConfig(dir, { ledger: `file:${join(dir, 'ledger')}`, targets: [fixture.target] });
  });

  afterEach(async () => {
    for (const connector of running) await connector.stop('SIGKILL');
    running.clear();
  });

  afterAll(async () => {
    await fixture?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<ConnectorProcess> {
    const connector = await spawnConnector(configPath);
    running.add(connector);
    return connector;
  }

  it('starts again at once after SIGKILL, even when the dead pid now belongs to a live process', async () => {
    const first = await start();
    const { signal } = await first.stop('SIGKILL');
    expect(signal).toBe('SIGKILL');
    // What a reused pid looks like: the old lock names a process that is alive (a long-lived stand-in here).
    const standIn = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'ledger', 'LOCK'), String(standIn.pid));
      const second = await start();
      expect((await second.client.health()).status).toBeDefined();
    } finally {
      standIn.kill('SIGKILL');
    }
  });

  it('still refuses a second live connector on the same ledger', async () => {
    await start();
    await expect(spawnConnector(configPath)).rejects.toThrow(/ledger .* is in use by another process/);
  });
});
