import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../src/sandbox/start/free-port';
import { mb, ms, ratio, summarize } from './support/stats';
import { markdownTable } from './support/table';

/**
 * `npm start` from spawn to its "ready" banner, and the memory of its processes once ready (the sandbox and the
 * embedded PostgreSQL server it starts), with a fresh data directory each run (the first-run case a new user sees). Baseline: a tsx
 * process that loads nothing, measured the same way in the same run.
 */
const ROOT = join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** The processes `pid` started, and theirs (the sandbox's database server and its backends). */
function descendants(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** Proportional set size of a process and its descendants: shared pages (the server's buffers) counted once in all. */
function treeMemory(pid: number): number {
  return [pid, ...descendants(pid)].reduce((sum, each) => {
    const rollup = readFileSync(`/proc/${each}/smaps_rollup`, 'utf8');
    return sum + Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
  }, 0);
}

async function once(args: string[], readyText: string): Promise<{ ms: number; rss: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes(readyText)) return;
      child.stdout.off('data', onData);
      const elapsed = performance.now() - started;
      const rss = child.pid === undefined ? 0 : treeMemory(child.pid);
      child.once('exit', () => resolve({ ms: elapsed, rss }));
      child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      if (!output.includes(readyText)) reject(new Error(`exited ${code} before ready:\n${output}`));
    });
  });
}

async function main(): Promise<void> {
  const baseline: { ms: number; rss: number }[] = [];
  const sandbox: { ms: number; rss: number }[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    baseline.push(await once(['-e', "process.stdout.write('ready\\n'); setInterval(() => undefined, 1000)"], 'ready'));
    const dataDir = mkdtempSync(join(tmpdir(), 'jit-bench-'));
    sandbox.push(await once([join(ROOT, 'src/sandbox/start/cli.ts'), '--port', String(await freePort()), '--data', dataDir], 'sandbox ready in'));
    rmSync(dataDir, { recursive: true, force: true });
  }
  const base = { time: summarize(baseline.map((sample) => sample.ms)), rss: summarize(baseline.map((sample) => sample.rss)) };
  const rows = [
    ['empty tsx process (baseline)', baseline],
    ['npm start, embedded PostgreSQL, fresh data dir', sandbox],
  ] as const;
  process.stdout.write(
    markdownTable(
      ['process', 'runs', 'ready p50', 'ready max', 'vs baseline', 'memory (PSS) p50', 'vs baseline'],
      rows.map(([name, samples]) => {
        const time = summarize(samples.map((sample) => sample.ms));
        const rss = summarize(samples.map((sample) => sample.rss));
        return [name, String(samples.length), ms(time.p50), ms(time.max), ratio(time.p50, base.time.p50), mb(rss.p50), ratio(rss.p50, base.rss.p50)];
      }),
    ),
  );
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
