import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one connector, on its own registry (several connectors can share a process in tests). */
/** Grants in one ledger state, by target. */
export type CountGrants = (state: 'active' | 'revoking') => Promise<Map<string, number>>;

/** `count` answers the gauges of grants by state at scrape time, from the ledger. */
export function createMetrics(count: CountGrants = async () => new Map()) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'jit_connector_' });
  return {
    registry,
    grants: new Counter({
      name: 'jit_grants_total',
      help: 'Grant requests handled, by target and result (created, repeated, failed).',
      labelNames: ['target', 'result'] as const,
      registers: [registry],
    }),
    revocations: new Counter({
      name: 'jit_revocations_total',
      help: 'Revocations finished, by target and reason (requested, expired, reconciled).',
      labelNames: ['target', 'reason'] as const,
      registers: [registry],
    }),
    failures: new Counter({
      name: 'jit_failures_total',
      help: 'Database operations that failed, by target, operation and whether they will be retried.',
      labelNames: ['target', 'operation', 'retryable'] as const,
      registers: [registry],
    }),
    activeGrants: new Gauge({
      name: 'jit_active_grants',
      help: 'Grants whose access exists now.',
      labelNames: ['target'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const [target, n] of await count('active')) this.set({ target }, n);
      },
    }),
    revocationsPending: new Gauge({
      name: 'jit_revocations_pending',
      help: 'Grants whose revocation has begun and is not confirmed by the database yet (retried until it is).',
      labelNames: ['target'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const [target, n] of await count('revoking')) this.set({ target }, n);
      },
    }),
    revocationLag: new Histogram({
      name: 'jit_revocation_lag_seconds',
      help: 'Time from notAfter until access had really ended, for expiries.',
      buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
