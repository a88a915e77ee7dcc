import type { Gateway } from '../gateway/gateway';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Targets } from '../targets';
import type { Leases } from './leases';

/** What the grant operations need from the running connector. */
export interface GrantContext {
  ledger: Ledger;
  targets: Targets;
  log: Logger;
  metrics: Metrics;
  now: () => Date;
  /** This replica's leases: whoever works on an existing grant holds its lease. */
  leases: Leases;
  /** The SQL gateway, when the config has one: it issues gateway targets' credentials and closes their sessions. */
  gateway?: Gateway | undefined;
}
