import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm run bench [name…]`: runs each benchmark in bench/*.bench.ts in its own process (so one's memory and
 * event loop do not colour another's) and lets each print its own markdown table.
 */
const wanted = process.argv.slice(2);
const benches = readdirSync(__dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();

let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n## ${file.replace('.bench.ts', '')}\n\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, file)], { stdio: 'inherit', env: process.env });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
