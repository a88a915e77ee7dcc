import { createHmac, randomBytes } from 'node:crypto';
import { createScramSha256Data } from 'pg-gateway';
import { nativeVerifier } from './mysql/handshake';

/** What pg-gateway needs to run SCRAM-SHA-256 for one user: the salted verifier, never the password. */
export interface ScramVerifier {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

export interface GatewayLogin {
  grantId: string;
  target: string;
  /** The requester's credential, as a SCRAM verifier (PostgreSQL wire). */
  verifier: ScramVerifier;
  /** The same credential as mysql_native_password verifies it: SHA1(SHA1(password)) (MySQL wire). */
  nativeVerifier: Buffer;
  /** The database login's own password: it is used by the gateway and never leaves the connector. */
  databasePassword: string;
}

/**
 * The credentials of gateway grants, in this process's memory only: a requester's verifiers and the database
 * login's password. Neither is written anywhere, so a restarted connector holds none: the grant's sealed credential
 * no longer works, and a repeat of the grant request is refused rather than answered with it (see GrantService).
 */
export class GatewayCredentials {
  private readonly byUsername = new Map<string, GatewayLogin>();
  private readonly decoyKey = randomBytes(32);
  private readonly decoyKeys = { storedKey: randomBytes(32).toString('base64'), serverKey: randomBytes(32).toString('base64') };

  /** Accepts the gateway-only `password` for `username`, replacing any earlier one, and keeps the login's password. */
  async admit(login: { grantId: string; target: string; username: string; password: string; databasePassword: string }): Promise<void> {
    const verifier = await createScramSha256Data(login.password);
    this.byUsername.set(login.username, { grantId: login.grantId, target: login.target, verifier, nativeVerifier: nativeVerifier(login.password), databasePassword: login.databasePassword });
  }

  holds(grantId: string): boolean {
    return this.ofGrant(grantId) !== undefined;
  }

  ofGrant(grantId: string): GatewayLogin | undefined {
    for (const login of this.byUsername.values()) if (login.grantId === grantId) return login;
    return undefined;
  }

  find(username: string): GatewayLogin | undefined {
    return this.byUsername.get(username);
  }

  /**
   * A verifier for a name that has none, stable per name like PostgreSQL's mock authentication, so an unknown user
   * and a wrong password look the same to the client.
   */
  decoy(username: string): ScramVerifier {
    return { salt: createHmac('sha256', this.decoyKey).update(username).digest().subarray(0, 16).toString('base64'), iterations: 4096, ...this.decoyKeys };
  }

  forget(grantId: string): void {
    for (const [username, login] of this.byUsername) if (login.grantId === grantId) this.byUsername.delete(username);
  }
}
