import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { ConnectorConfig, TargetConfig } from '../../src/connector/config/schema';
import { RequesterClient } from '../../test/connector/support/requester-client';
import { BENCH_SECRET } from './in-process';

const CLI = resolve(__dirname, '../../src/connector/cli.ts');

/** Resident memory of a process now and at its peak, in bytes, from /proc (Linux). */
export function residentMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

export interface ConnectorProcess {
  pid: number;
  url: string;
  client: RequesterClient;
  /** Milliseconds from spawn until the connector said it was listening. */
  listeningAfterMs: number;
  stop(): Promise<void>;
}

/**
 * The project compiled with tsc into a temporary directory (node_modules linked in), so the same connector
 * can be measured without tsx transpiling at run time. Returns the compiled cli.js.
 */
export function compileConnector(): { cli: string; remove(): void } {
  const root = resolve(__dirname, '../..');
  const outDir = mkdtempSync(join(tmpdir(), 'jit-bench-build-'));
  const result = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root, '--noEmit', 'false', '--outDir', outDir], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('tsc failed to compile the project');
  symlinkSync(join(root, 'node_modules'), join(outDir, 'node_modules'));
  return { cli: join(outDir, 'src/connector/cli.js'), remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

/**
 * The connector as its own process: from a compiled `cli.js` when given (as `npm run connector` runs it), else
 * from its TypeScript through tsx; its JSON log discarded. `args` are the CLI flags; `--config` files are
 * written with `writeConfig`.
 */
export async function spawnConnector(args: string[], compiledCli?: string): Promise<ConnectorProcess> {
  const started = performance.now();
  const entry = compiledCli ? [compiledCli] : ['--import', 'tsx', CLI];
  const child = spawn(process.execPath, [...entry, ...args], {
    env: { ...process.env, JIT_CONNECTOR_SECRET: BENCH_SECRET },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await listeningUrl(child);
  const listeningAfterMs = performance.now() - started;
  const pid = child.pid ?? Number.NaN;
  return {
    pid,
    url,
    listeningAfterMs,
    client: new RequesterClient({ baseUrl: url, secrets: BENCH_SECRET }),
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) resolvePromise(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the connector exited with ${code} before listening: ${stderr.slice(-2000)}`)));
  });
}

/** A data directory with a config for `targets` (and `extra` settings) on a file ledger and a free port. */
export function writeConfig(targets: TargetConfig[], extra: Partial<Pick<ConnectorConfig, 'gateway'>> = {}): { dir: string; configPath: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'jit-bench-'));
  const configPath = join(dir, 'connector.yaml');
  writeFileSync(
    configPath,
    stringify({ listen: { host: '127.0.0.1', port: 0 }, secrets: ['${JIT_CONNECTOR_SECRET}'], ledger: `file:${join(dir, 'ledger')}`, targets, ...extra }),
  );
  return { dir, configPath, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
