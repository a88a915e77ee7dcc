import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchSuffix, mysqlBenchTarget, postgresBenchTarget } from './support/databases';
import { compileConnector, residentMemory, spawnConnector, writeConfig, type ConnectorProcess } from './support/connector-process';
import { mb, ms, ratio } from './support/stats';
import { markdownTable } from './support/table';

/**
 * Start-up time and resident memory of the connector process: on the embedded default (PGlite, first start
 * seeding a new data directory, second start reopening it) and with real PostgreSQL and MariaDB targets, idle
 * and under a burst of grants and revocations. Baseline: a bare `node -e` HTTP server started the same way.
 */

const LOAD_GRANTS = Number(process.env.BENCH_LOAD_GRANTS ?? 1_000);
const CONCURRENCY = 16;
const IDLE_SETTLE_MS = 2_000;
const principal = { accountId: 'bench', email: 'bench@example.com', dbUser: null };

const BARE_SERVER =
  "const s=require('http').createServer((q,r)=>r.end('{}'));" +
  "s.listen(0,'127.0.0.1',()=>process.stderr.write('listening on http://127.0.0.1:'+s.address().port+'\\n'))";

/** Milliseconds from spawn until GET `path` answers 200, polling every 5 ms. */
async function untilAnswering(url: string, path: string, started: number): Promise<number> {
  for (;;) {
    const ok = await fetch(url + path).then((response) => response.ok, () => false);
    if (ok) return performance.now() - started;
    await sleep(5);
  }
}

interface StartFigures {
  readyMs: number;
  idleRss: number;
}

async function bareNode(): Promise<StartFigures> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', BARE_SERVER], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve) => {
    let text = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const match = /listening on (\S+)/.exec(text);
      if (match?.[1]) resolve(match[1]);
    });
  });
  const readyMs = await untilAnswering(url, '/', started);
  await sleep(IDLE_SETTLE_MS);
  const idleRss = residentMemory(child.pid ?? Number.NaN).rss;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  return { readyMs, idleRss };
}

async function connectorStart(args: string[], compiledCli?: string): Promise<StartFigures & { connector: ConnectorProcess }> {
  const started = performance.now();
  const connector = await spawnConnector(args, compiledCli);
  const readyMs = await untilAnswering(connector.url, '/v1/health', started);
  await sleep(IDLE_SETTLE_MS);
  return { readyMs, idleRss: residentMemory(connector.pid).rss, connector };
}


async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  const bare = await bareNode();
  rows.push(['bare `node -e` HTTP server (baseline)', ms(bare.readyMs), '1.00×', mb(bare.idleRss), '', '']);

  const dataDir = mkdtempSync(join(tmpdir(), 'jit-bench-embedded-'));
  try {
    for (const label of ['embedded default, first start (seeds PGlite)', 'embedded default, second start (reopens the data dir)']) {
      const run = await connectorStart(['--data', dataDir]);
      const peak = residentMemory(run.connector.pid).peak;
      await run.connector.stop();
      rows.push([label, ms(run.readyMs), ratio(run.readyMs, bare.readyMs), mb(run.idleRss), mb(peak), '']);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  const suffix = benchSuffix();
  const pg = await postgresBenchTarget(suffix);
  const my = await mysqlBenchTarget(suffix);
  const files = writeConfig([pg.target, my.target]);
  try {
    const run = await connectorStart(['--config', files.configPath]);
    try {
      const targets = [pg.target.id, my.target.id];
      const ids = Array.from({ length: LOAD_GRANTS }, (_, index) => `FOOT-${suffix}.${index}`);
      const notAfter = new Date(Date.now() + 3_600_000).toISOString();
      const loadStarted = performance.now();
      await forEachLimited(ids, CONCURRENCY, async (grantId) => {
        const target = targets[Number(grantId.split('.')[1]) % targets.length] ?? pg.target.id;
        await run.connector.client.createGrant({ grantId, target, role: 'read', principal, mode: 'ephemeral', notAfter });
      });
      const loaded = residentMemory(run.connector.pid).rss;
      await forEachLimited(ids, CONCURRENCY, async (grantId) => void (await run.connector.client.revokeGrant(grantId)));
      const loadSeconds = (performance.now() - loadStarted) / 1000;
      const peak = residentMemory(run.connector.pid).peak;
      await sleep(IDLE_SETTLE_MS);
      const after = residentMemory(run.connector.pid).rss;
      rows.push(['PostgreSQL + MariaDB targets, idle (`node --import tsx`)', ms(run.readyMs), ratio(run.readyMs, bare.readyMs), mb(run.idleRss), '', '']);
      rows.push([
        `same, ${LOAD_GRANTS} grants then ${LOAD_GRANTS} revocations, ${CONCURRENCY} concurrent (${loadSeconds.toFixed(1)} s)`,
        '',
        '',
        `${mb(loaded)} with ${LOAD_GRANTS} active`,
        mb(peak),
        mb(after),
      ]);
    } finally {
      await run.connector.stop();
    }
    const build = compileConnector();
    try {
      const compiled = await connectorStart(['--config', files.configPath], build.cli);
      await compiled.connector.stop();
      rows.push(['PostgreSQL + MariaDB targets, idle (compiled with tsc, plain `node`)', ms(compiled.readyMs), ratio(compiled.readyMs, bare.readyMs), mb(compiled.idleRss), '', '']);
    } finally {
      build.remove();
    }
  } finally {
    files.remove();
    const leftover = (await pg.cleanup()) + (await my.cleanup());
    if (leftover > 0) process.stderr.write(`cleaned up ${leftover} login(s) left behind\n`);
  }

  process.stdout.write(markdownTable(['process', 'start-up until it answers', 'ratio', 'resident memory idle', 'peak resident', 'idle again after load'], rows));
  process.stdout.write(
    '\nRows marked `node --import tsx` run the TypeScript source (as the tests do); the compiled row is what ' +
      '`npm run connector` and the `jit-connector` bin run (`dist/`, built by `npm install`). Start-up is ' +
      'timed from spawn until GET /v1/health answers 200 (the baseline: until its GET / answers). Memory is VmRSS / ' +
      `VmHWM from /proc, read ${IDLE_SETTLE_MS / 1000} s after start. Target: a connector with real targets idles under 100 MB resident.\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
