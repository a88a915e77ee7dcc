import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ConnectorConfig } from '../../../src/connector/config/schema';
import { RequesterClient } from '../support/requester-client';
import { SECRET } from '../support/harness';

const ROOT = join(__dirname, '..', '..', '..');

/** One JSON log line of the connector (stdout). */
export type LogLine = Record<string, unknown> & { event?: string };

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The real connector (`node --import tsx src/connector/cli.ts --config FILE`) in a child process. */
export interface ConnectorProcess {
  url: string;
  client: RequesterClient;
  child: ChildProcess;
  /** Every JSON line it wrote to stdout so far. */
  logs: LogLine[];
  exited: Promise<Exit>;
  /** Sends `signal` and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

export type ProcessConfig = Omit<ConnectorConfig, 'listen' | 'secrets'>;

/** Writes `config` (JSON is YAML) with port 0 and the test secret; returns its path. */
export function writeConfig(dir: string, config: ProcessConfig, name = 'connector.yaml'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ listen: { host: '127.0.0.1', port: 0 }, secrets: [SECRET], ...config }, null, 2));
  return path;
}

/** Starts the connector on `configPath` and resolves once it serves (its `connector.started` log line). */
export async function spawnConnector(configPath: string, options: { failpoints?: string[] } = {}): Promise<ConnectorProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, JIT_LOG_LEVEL: 'info' };
  delete env.JIT_CONNECTOR_FAILPOINTS;
  if (options.failpoints?.length) env.JIT_CONNECTOR_FAILPOINTS = options.failpoints.join(',');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/connector/cli.ts', '--config', configPath], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: LogLine[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // 'close', not 'exit': every line written before the end has been read by then.
  const exited = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const started = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: LogLine;
      try {
        entry = JSON.parse(line) as LogLine;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.event === 'connector.started') resolve(String(entry.address));
    });
    void exited.then((exit) => reject(new Error(`the connector exited before serving (${JSON.stringify(exit)}): ${stderr}`)));
  });
  const url = await started;
  return {
    url,
    child,
    logs,
    exited,
    client: new RequesterClient({ baseUrl: url, secrets: SECRET }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
