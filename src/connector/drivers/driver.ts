import type { Logger } from '../log';

/**
 * The one interface every database engine implements. One request object in, one result out, so fields can
 * be added without changing signatures. Drivers know SQL; logging, metrics, retries and redaction live in
 * the connector around them.
 *
 * Rules every driver keeps:
 * - SQL text is constant. Values are bound parameters; identifiers are quoted by the database (`format('%I')`)
 *   or by the client library's own quoting function, never concatenated from input.
 * - Every object the connector creates (an ephemeral login, or the group role used in existing-login mode) is
 *   tagged as managed (PostgreSQL: member of the marker role; MySQL/MariaDB: a JSON comment/attribute).
 *   Anything without the tag is never altered or dropped, except that `existing-login` grants and revokes
 *   exactly what it granted to the customer's own login.
 * - `revoke` does not fail when the managed object is already gone; it reports `existed: false`.
 * - Errors are thrown as `DriverError` with `retryable` set from the SQLSTATE / errno, never from message text.
 */
export interface Driver {
  readonly engine: Engine;
  /** Longest username the engine accepts (PostgreSQL 63, MySQL 32). */
  readonly maxUsernameLength: number;

  /**
   * Why `name` (a requester's `dbUser`) can never be a login on this engine, or null. Checked before anything is
   * recorded, so such a request is refused as invalid instead of failing on the database.
   */
  loginNameProblem?(name: string): string | null;

  /**
   * Ephemeral: create login `name` with `password` (sent to the server only as a verifier/hash, never as
   * plaintext SQL), expiring at `notAfter` where the engine can enforce it, tagged as managed, with `access`.
   * If a managed login `name` already exists (a retried grant), rotate its password and make sure the access
   * is in place. A login of that name that is not managed is a `DriverError('conflict')`.
   * Existing-login: give `dbUser` the access of this grant, tracked under the managed name `name`.
   * `enabled: false` creates the access disabled (PostgreSQL NOLOGIN, MySQL ACCOUNT LOCK) for a window that
   * opens later; `enable` turns it on.
   */
  grant(request: GrantAccess): Promise<GrantAccessResult>;

  /** Turn on access created with `enabled: false`. */
  enable(request: ManagedRef): Promise<void>;

  /** Move the end of an ephemeral login later (PostgreSQL VALID UNTIL, MySQL lock event). */
  extend(request: ManagedRef & { notAfter: Date }): Promise<void>;

  /**
   * End access now: disable the login first, terminate its sessions and confirm they are gone, take back what it
   * was granted, hand objects it created to the target's owner with nothing of the login's making able to run with
   * more privilege than it had, then drop the login (ephemeral) or the group role (existing-login). A step that
   * fails leaves the login disabled; calling again continues.
   */
  revoke(request: ManagedRef): Promise<RevokeResult>;

  /**
   * What is left on the database of a revoked grant, in words for the operator; empty only when the database
   * shows nothing of it: no managed login or role of that name (so no session, privilege or membership either).
   * A grant is reported revoked only after this came back empty.
   */
  verifyRevoked(request: ManagedRef): Promise<{ remaining: string[] }>;

  /** Every managed object of this target, for reconciliation at start; never another target's. */
  listManaged(request: Record<string, never>): Promise<{ logins: ManagedLogin[] }>;

  /**
   * End the access of several ephemeral logins whose end has passed, at once and cheaply (one statement),
   * where the database already refuses them new logins by itself (PostgreSQL VALID UNTIL): their open sessions
   * are signalled to end. Returns without waiting; `revoke` follows for each and confirms. Only managed logins
   * are touched.
   */
  cutOff?(request: { names: string[] }): Promise<{ signalled: number }>;

  /** Terminate every session of `username` and return once none is left (or throw `DriverError`). */
  terminateSessions(request: { username: string }): Promise<{ terminated: number }>;

  /** Cheap round trip to the server. Never throws. */
  health(request: Record<string, never>): Promise<TargetHealth>;

  /** The database server's own clock now (the one its login expiry keeps), for the connector to compare with. */
  databaseTime?(request: Record<string, never>): Promise<Date>;

  close(): Promise<void>;
}

export type Engine = 'postgres' | 'mysql' | 'pglite';

/** A target's access level as written in config (`roles.<name>`). */
export interface AccessSpec {
  memberOf: string[];
  privileges: string[];
}

export interface ManagedRef {
  /** The managed object's name: the ephemeral login, or the group role/tracking name in existing-login mode. */
  name: string;
  mode: 'ephemeral' | 'existing-login';
  /** The customer's own login, in existing-login mode. */
  dbUser?: string | undefined;
  access: AccessSpec;
}

export interface GrantAccess extends ManagedRef {
  grantId: string;
  /** Ephemeral mode only. */
  password?: string | undefined;
  notAfter: Date;
  enabled: boolean;
}

export interface GrantAccessResult {
  /** The login the requester connects as: `name` (ephemeral) or `dbUser` (existing-login). */
  username: string;
  /** False when a managed login of that name was already there (a retry). */
  created: boolean;
}

export interface TargetHealth {
  reachable: boolean;
  detail?: string;
  /** What keeps a reachable target from working fully, in words for an operator (none when absent). */
  problems?: string[];
}

export interface RevokeResult {
  existed: boolean;
  sessionsTerminated: number;
}

export interface ManagedLogin {
  name: string;
  grantId: string | null;
}

export interface DriverTarget {
  id: string;
  url: string;
  /** PostgreSQL: receives objects a temporary login created, disarmed; without it they are dropped with the login. */
  owner?: string | undefined;
  /** Tag of managed logins: the marker role (PostgreSQL) or the comment tag (MySQL). Default `jit_managed`. */
  marker?: string | undefined;
  /** pglite only: load the demo schema into an empty database. */
  seed?: 'demo' | undefined;
  access: Record<string, AccessSpec>;
}

export interface DriverFactory {
  readonly engine: Engine;
  /** Problems with one privilege entry in this engine's GRANT syntax, for the config check at start. */
  checkPrivilege(text: string): string[];
  /**
   * Whether a privilege entry lets a login create objects that stay after it (PostgreSQL: CREATE on a schema or
   * database). A level with one needs the target's `owner`, the only role such objects may be handed to.
   */
  createsObjects?(text: string): boolean;
  create(target: DriverTarget, log: Logger): Driver;
}

export type DriverErrorCode = 'unreachable' | 'conflict' | 'not_managed' | 'sessions_remain' | 'invalid_access' | 'failed';

export class DriverError extends Error {
  override readonly name = 'DriverError';
  constructor(
    readonly code: DriverErrorCode,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
