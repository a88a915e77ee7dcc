import { checkGuards } from '../src/connector/gateway/guards/check-guards';
import type { MaskingCatalog } from '../src/connector/gateway/masking/masking-catalog';
import { checkMasking } from '../src/connector/gateway/masking/check-masking';
import { parserReady, parseStatements } from '../src/connector/gateway/parse-statements';

/**
 * What a level's guards and masking add to each statement before it is relayed: one more parse by libpg-query and
 * one walk of its tree. The record's own parse and normalization is the baseline. Each run's text has a
 * literal of its own, so nothing is answered from the gateway's cache of repeated texts, except in the last row,
 * which shows that cache: one text again and again. Pure CPU, no database.
 */
const sql = (index: number) =>
  `SELECT c.id, c.name, c.email, o.total FROM shop.customers c JOIN shop.orders o ON o.customer_id = c.id WHERE o.id = $1 AND o.total > ${index} ORDER BY o.total DESC LIMIT 10`;
const catalog: MaskingCatalog = { columns: new Map(), tables: new Set(['customers']), columnNames: new Set(['email']), views: new Set(), functions: new Set() };
const RUNS = Number(process.env.BENCH_RUNS ?? 20_000);

function perStatement(run: (index: number) => unknown): number {
  for (let index = 0; index < RUNS / 10; index += 1) run(-index - 1);
  const started = performance.now();
  for (let index = 0; index < RUNS; index += 1) run(index);
  return ((performance.now() - started) / RUNS) * 1000;
}

void parserReady.then(() => {
  console.log('| check | µs per statement |');
  console.log('| --- | --- |');
  for (const [label, run] of [
    ['the record (parse, classify, normalize): baseline', (index: number) => parseStatements(sql(index))],
    ['guards: read-only', (index: number) => checkGuards(['read-only'], sql(index))],
    ['guards: all four', (index: number) => checkGuards(['read-only', 'no-ddl', 'no-drop', 'no-unqualified-write'], sql(index))],
    ['masking', (index: number) => checkMasking(catalog, sql(index))],
    ['the record of a text seen before (cached)', () => parseStatements(sql(0))],
  ] as const) {
    console.log(`| ${label} | ${perStatement(run).toFixed(1)} |`);
  }
});
