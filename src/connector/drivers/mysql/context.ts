import type { Logger } from '../../log';
import type { Db } from './sql';

/** What one operation needs: an admin connection (with its flavour) and the target's settings. */
export interface OperationContext {
  db: Db;
  marker: string;
  /** The target URL's database: where lock events live. Null when the URL names none. */
  database: string | null;
  log: Logger;
}

/** The only host part the connector uses for the logins it creates (configurable later). */
export const LOGIN_HOST = '%';
