import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
// Everything a browser bundle can import: the UIs themselves and the app code whose contracts they share.
const SOURCES = ['src/sandbox/web/ui', 'static', 'src/app', 'src/core', 'src/protocol'];

export const UI_BUILDS = {
  sandbox: { config: 'src/sandbox/web/ui/vite.config.mts', output: 'dist/sandbox-ui' },
  adminPage: { config: 'static/admin-page/vite.config.mts', output: 'static/admin-page/build' },
  ticketPanel: { config: 'static/ticket-panel/vite.config.mts', output: 'static/ticket-panel/build' },
  portalForm: { config: 'static/portal-form/vite.config.mts', output: 'static/portal-form/build' },
} as const;
type Build = (typeof UI_BUILDS)[keyof typeof UI_BUILDS];

function newestSource(path: string, skip: ReadonlySet<string>): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    const child = join(path, entry);
    if (entry !== 'node_modules' && !skip.has(child)) newest = Math.max(newest, newestSource(child, skip));
  }
  return newest;
}

function builtAt(build: Build): number {
  try {
    return statSync(join(ROOT, build.output, 'index.html')).mtimeMs;
  } catch {
    return 0;
  }
}

/** Holds a lock directory while building, so parallel test files do not empty each other's output. */
async function withLock(run: () => void): Promise<void> {
  const lock = join(ROOT, 'test-artifacts', '.ui-build.lock');
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > until) throw new Error(`${lock} is held for over two minutes; remove it if no test is running`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    run();
  } finally {
    rmdirSync(lock);
  }
}

/**
 * What `npm run build` makes for the browser (the sandbox UI, the Custom UI pages), rebuilt when a source
 * is newer than the build, so browser tests run the code as it is now and not a stale bundle.
 */
export async function ensureUiBuilt(builds: readonly Build[] = Object.values(UI_BUILDS)): Promise<void> {
  const outputs = new Set(Object.values(UI_BUILDS).map((build) => join(ROOT, build.output)));
  const stale = () => {
    const newest = Math.max(...SOURCES.map((source) => newestSource(join(ROOT, source), outputs)));
    return builds.filter((build) => builtAt(build) < newest);
  };
  if (stale().length === 0) return;
  await withLock(() => {
    for (const build of stale()) execFileSync(process.execPath, [VITE, 'build', '--config', build.config], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } });
  });
}
