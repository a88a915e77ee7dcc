/**
 * `npm run forge:check`: what `forge deploy` checks and builds, run offline with the Forge CLI's own packages
 * (installed here by `npm ci --ignore-scripts`), from the app's root directory:
 *   1. the manifest against the platform schema (@forge/manifest `validate`),
 *   2. the CLI's client-side linters (@forge/lint), without the permission linter, which downloads a spec,
 *   3. the CLI's bundler (@forge/bundler: webpack + ts-loader with the app's own tsconfig.json) on every
 *      handler module the manifest names.
 * Feature flags the CLI would fetch take the defaults the CLI falls back to when the fetch fails. The one
 * step of a deploy left out is adding Atlassian's runtime wrapper, which the CLI downloads from its CDN.
 * Exits non-zero on any error; a red bundle fails CI.
 */
/* global console */
// CommonJS on purpose: @forge/bundler needs `require.main`, which an ES module does not have.
/* eslint-disable @typescript-eslint/no-require-imports */
const { rmSync } = require('node:fs');
const { validate } = require('@forge/manifest');
const { ConfigFile, FileSystemReader, FileSystemWriter, StatsigReader, listGitIgnoreFiles } = require('@forge/cli-shared');
const { getClientSideLintersOnly, lint, reportLintResults, problemCount, PermissionLinter } = require('@forge/lint');
const { getNodeBundler, getEntryPoints } = require('@forge/bundler');

const logger = {
  traceEnabled: false,
  debugEnabled: false,
  trace: () => undefined,
  debug: () => undefined,
  info: (message) => console.log(message),
  warn: (message) => console.warn(message),
  error: (error) => console.error(error instanceof Error ? error.message : error),
};

/** The CLI's feature flags as it sees them when its flag service cannot be reached: every flag unset. */
class OfflineFlags extends StatsigReader {
  async checkGate() {
    return null;
  }
  async getDynamicConfig() {
    return null;
  }
}

/** The runtime wrapper is Atlassian's code from its CDN, not the app's: the offline bundle goes without it. */
const noRuntimeWrapper = {
  getNodeRuntimeWrapper: async () => ({ script: '', source: 'offline', version: 'offline' }),
  getNodeRuntimeLoader: async () => ({ script: '', source: 'offline', version: 'offline' }),
};

async function checkManifest() {
  const result = await validate(false, 'manifest.yml');
  for (const error of result.errors ?? []) logger.info(`manifest.yml: ${error.message}`);
  return result.success ? 0 : Math.max(1, (result.errors ?? []).length);
}

async function runLinters(configFile, fileReader, flags) {
  const manifest = await configFile.readConfig();
  const exclude = [...(await listGitIgnoreFiles(fileReader)), '.git', 'node_modules'];
  const files = await fileReader.recursiveReadDir('./src', exclude);
  const linters = (await getClientSideLintersOnly(manifest, 'development', logger, flags)).filter(
    (linter) => !(linter instanceof PermissionLinter),
  );
  const results = await lint(files, manifest, 'development', logger, flags, { linter: { mode: 'client-side' }, linters });
  reportLintResults(logger, results);
  return problemCount(results).errors;
}

async function bundle(configFile, flags) {
  const handlers = await configFile.getAppHandlers();
  const bundler = getNodeBundler(logger, noRuntimeWrapper, configFile, flags);
  const output = await bundler.bundle({ appDirectory: process.cwd(), entryPoints: getEntryPoints(handlers) });
  const { jsFiles, tsFiles, modules } = output.metadata ?? {};
  logger.info(`bundled ${getEntryPoints(handlers).length} handler module(s) into ${output.outputDir}: ${tsFiles} TypeScript and ${jsFiles} JavaScript files of the app, ${modules?.length ?? 0} packages`);
  rmSync(output.outputDir, { recursive: true, force: true });
}

async function main() {
  const fileReader = new FileSystemReader();
  const configFile = new ConfigFile(fileReader, new FileSystemWriter());
  const flags = new OfflineFlags();
  let failed = false;
  const step = async (name, run) => {
    logger.info(`== ${name}`);
    try {
      const errors = await run();
      if (errors > 0) {
        failed = true;
        logger.info(`${name}: ${errors} error(s)`);
      }
    } catch (error) {
      failed = true;
      logger.info(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  await step('manifest (@forge/manifest validate)', checkManifest);
  await step('linters (@forge/lint, client side, without the permission linter)', () => runLinters(configFile, fileReader, flags));
  await step('bundle (@forge/bundler, as forge deploy)', () => bundle(configFile, flags));
  process.exitCode = failed ? 1 : 0;
}

void main();
