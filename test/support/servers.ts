/**
 * Real database servers for integration tests. `test/support/global-setup.ts` probes them once per run and
 * records what it found in the environment; with CI=true a missing server fails the whole run there.
 */
export const servers = {
  postgres: process.env.JIT_TEST_PG_URL ?? '',
  mysql: process.env.JIT_TEST_MYSQL_URL ?? '',
};

export type ServerKind = keyof typeof servers;

/** `describe` when the server is there; skipped outside CI only (global setup already failed CI). */
export function describeWith(kind: ServerKind, name: string, body: (url: string) => void): void {
  const url = servers[kind];
  if (url) describe(name, () => body(url));
  else describe.skip(`${name} (no ${kind} server; set CI=true to require it)`, () => body(''));
}

/** A name unique to this test file and process, safe as an SQL identifier suffix. */
export function uniqueSuffix(): string {
  return `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}
