import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

type Verifier = { salt: Buffer; hash: Buffer };

const KEY_LENGTH = 32;

/**
 * PGlite has no real logins, so the SQL console checks the password the connector handed out itself: this
 * keeps a salted scrypt verifier of the last password per login (never the password), in memory only.
 */
export class ConsolePasswords {
  readonly #verifiers = new Map<string, Verifier>();

  remember(targetId: string, username: string, password: string): void {
    const salt = randomBytes(16);
    this.#verifiers.set(`${targetId}/${username}`, { salt, hash: scryptSync(password, salt, KEY_LENGTH) });
  }

  forget(targetId: string, username: string): void {
    this.#verifiers.delete(`${targetId}/${username}`);
  }

  verify(targetId: string, username: string, password: string): boolean {
    const verifier = this.#verifiers.get(`${targetId}/${username}`);
    if (verifier === undefined) return false;
    return timingSafeEqual(scryptSync(password, verifier.salt, KEY_LENGTH), verifier.hash);
  }
}
