import { checkGuards } from '../src/connector/gateway/guards/check-guards';
import type { MaskingCatalog } from '../src/connector/gateway/masking/masking-catalog';
import { checkMasking } from '../src/connector/gateway/masking/check-masking';
import { parserReady, parseStatements } from '../src/connector/gateway/parse-statements';

/**
 * What a level's guards and masking add to each statement before it is relayed: one more parse by libpg-query and
 * one walk of its tree. The record's own parse and normalization is the baseline. Pure CPU, no database.
 */
const SQL = 'SELECT c.id, c.name, c.email, o.total FROM shop.customers c JOIN shop.orders o ON o.customer_id = c.id WHERE o.id = $1 ORDER BY o.total DESC LIMIT 10';
const catalog: MaskingCatalog = { columns: new Map(), tables: new Set(['customers']), columnNames: new Set(['email']), views: new Set(), functions: new Set() };
const RUNS = Number(process.env.BENCH_RUNS ?? 20_000);

function perStatement(run: () => unknown): number {
  for (let index = 0; index < RUNS / 10; index += 1) run();
  const started = performance.now();
  for (let index = 0; index < RUNS; index += 1) run();
  return ((performance.now() - started) / RUNS) * 1000;
}

void parserReady.then(() => {
  console.log('| check | µs per statement |');
  console.log('| --- | --- |');
  for (const [label, run] of [
    ['the record (parse, classify, normalize): baseline', () => parseStatements(SQL)],
    ['guards: read-only', () => checkGuards(['read-only'], SQL)],
    ['guards: all four', () => checkGuards(['read-only', 'no-ddl', 'no-drop', 'no-unqualified-write'], SQL)],
    ['masking', () => checkMasking(catalog, SQL)],
  ] as const) {
    console.log(`| ${label} | ${perStatement(run).toFixed(1)} |`);
  }
});
