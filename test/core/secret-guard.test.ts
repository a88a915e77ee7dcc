import { CoreError, assertNoSecrets } from '../../src/core';

function finding(value: unknown, secrets: string[] = []): unknown {
  try {
    assertNoSecrets(value, secrets);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('secret_detected');
    return (error as CoreError).context;
  }
}

describe('assertNoSecrets', () => {
  it.each<[string, unknown, string[], unknown]>([
    ['a clean record', { state: 'active', username: 'jit_a', credential: { revealedAt: '2026-11-23T09:00:00Z' } }, [], null],
    ['a password field', { grant: { password: 'x' } }, [], { path: 'grant.password', kind: 'secret-key' }],
    ['a secret field', { connectorSecret: 'x' }, [], { path: 'connectorSecret', kind: 'secret-key' }],
    ['a token field in an array', { items: [{ ok: 1 }, { accessToken: 'x' }] }, [], { path: 'items.1.accessToken', kind: 'secret-key' }],
    ['an API key field', { api_key: 'x' }, [], { path: 'api_key', kind: 'secret-key' }],
    ['an empty password field still counts', { password: '' }, [], { path: 'password', kind: 'secret-key' }],
    ['a null password field holds nothing', { password: null, passwd: undefined }, [], null],
    ['a known secret value inside text', { content: [{ text: 'your password is Zq9-xyz' }] }, ['Zq9-xyz'], { path: 'content.0.text', kind: 'secret-value' }],
    ['a known secret value as a key', { 'Zq9-xyz': true }, ['Zq9-xyz'], { path: 'Zq9-xyz', kind: 'secret-value' }],
    ['an empty secret value is ignored', { text: 'hello' }, [''], null],
    ['a URL with a password', { note: 'see mysql://root:pw@10.0.0.5:3306/x' }, [], { path: 'note', kind: 'url-password' }],
    ['a URL without a password', { note: 'see https://example.com/a@b and postgres://user@db/x' }, [], null],
    ['a bare string', 'Zq9-xyz', ['Zq9-xyz'], { path: '(root)', kind: 'secret-value' }],
  ])('%s', (_label, value, secrets, expected) => {
    expect(finding(value, secrets)).toEqual(expected);
  });

  it('never puts the secret in the error', () => {
    let message = '';
    try {
      assertNoSecrets({ note: 'Zq9-xyz' }, ['Zq9-xyz']);
    } catch (error) {
      message = (error as Error).message + JSON.stringify((error as CoreError).context);
    }
    expect(message).toBe('Refusing to write: a secret value at note.{"path":"note","kind":"secret-value"}');
  });

  it('copes with cycles', () => {
    const looped: Record<string, unknown> = { name: 'a' };
    looped.self = looped;
    expect(finding(looped)).toBeNull();
  });
});
