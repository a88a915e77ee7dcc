import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../src/sandbox/start/free-port';

const ROOT = join(__dirname, '../../..');

export type SandboxProcess = {
  url: string;
  /** The --data directory given to it; empty when it chose its own. */
  dataDir: string;
  output(): string;
  /** SIGTERM (a graceful stop), then removes the --data directory given to it. */
  stop(): Promise<void>;
  /** Sends `signal` and waits for the process to exit; removes nothing. */
  kill(signal: NodeJS.Signals): Promise<void>;
};

/**
 * Starts what `npm start` runs (tsx on the sandbox CLI) in its own process and waits for its banner. With
 * `ownData: false` no --data is passed, so the sandbox picks its data directory itself.
 */
export async function startSandboxProcess(args: string[] = [], timeoutMs = 60_000, options: { ownData?: boolean } = {}): Promise<SandboxProcess> {
  const port = await freePort();
  const dataDir = options.ownData === false ? '' : mkdtempSync(join(tmpdir(), 'jit-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/sandbox/start/cli.ts'), '--port', String(port), ...(dataDir ? ['--data', dataDir] : []), ...args], {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sandbox was not ready in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const poll = setInterval(() => {
      if (output.includes('sandbox ready in')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`the sandbox exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    kill: async (signal) => {
      if (child.exitCode === null) child.kill(signal);
      await exited;
    },
  };
}
