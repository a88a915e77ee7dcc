import { CoreError } from './core-error';

/**
 * Last check before anything is written to a comment, an issue property or storage: throws CoreError
 * `secret_detected` if a key is named like a secret (password, secret, token, API or private key) and
 * holds a value, if a string contains one of `secretValues`, or if a string holds a URL with a password
 * in it. The error names the path and the kind of finding, never the value.
 */

const SECRET_KEY = /pass(word|wd)|secret|token|api[-_]?key|private[-_]?key/i;
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:[^\s/@]+@/i;

export type SecretFinding = 'secret-key' | 'secret-value' | 'url-password';

export function assertNoSecrets(value: unknown, secretValues: readonly string[] = []): void {
  const secrets = secretValues.filter((secret) => secret.length > 0);
  const found = findSecret(value, secrets, [], new Set());
  if (found) {
    const where = found.path.length ? found.path.join('.') : '(root)';
    throw new CoreError('secret_detected', `Refusing to write: ${describe(found.kind)} at ${where}.`, { path: where, kind: found.kind });
  }
}

function describe(kind: SecretFinding): string {
  switch (kind) {
    case 'secret-key':
      return 'a field named like a secret';
    case 'secret-value':
      return 'a secret value';
    case 'url-password':
      return 'a URL with a password';
  }
}

type Found = { path: string[]; kind: SecretFinding };

function findSecret(value: unknown, secrets: readonly string[], path: string[], seen: Set<object>): Found | null {
  if (typeof value === 'string') {
    if (secrets.some((secret) => value.includes(secret))) return { path, kind: 'secret-value' };
    return URL_WITH_PASSWORD.test(value) ? { path, kind: 'url-password' } : null;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) return null;
  seen.add(value);
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    const here = [...path, key];
    if (SECRET_KEY.test(key) && item !== undefined && item !== null) return { path: here, kind: 'secret-key' };
    if (secrets.some((secret) => key.includes(secret))) return { path: here, kind: 'secret-value' };
    const found = findSecret(item, secrets, here, seen);
    if (found) return found;
  }
  return null;
}
