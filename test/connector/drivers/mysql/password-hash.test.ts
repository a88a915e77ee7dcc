import { cachingSha2PasswordHash, nativePasswordHash, sha256CryptDigest } from '../../../../src/connector/drivers/mysql/password-hash';

describe('nativePasswordHash', () => {
  test.each([
    // Both checked against MariaDB's PASSWORD(); the integration test compares a stored verifier too.
    ['password', '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'],
    ['hashcat', '*FCF7C1B8749CF99D88E5F34271D636178FB5D130'],
  ])('%s', (password, expected) => {
    expect(nativePasswordHash(password)).toBe(expected);
  });
});

describe('sha256CryptDigest', () => {
  test('matches the sha256-crypt reference vector (Drepper, "Hello world!", 5000 rounds)', () => {
    expect(sha256CryptDigest(Buffer.from('Hello world!'), Buffer.from('saltstring'), 5000)).toBe(
      '5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
    );
  });

  // MySQL 8 caching_sha2_password strings published as hashcat mode 7401 examples ($mysql$A$005*salt*digest,
  // both in hex): the 20-byte salt is used whole, unlike standard sha256-crypt.
  test.each([
    ['hashcat', 'F9CC98CE08892924F50A213B6BC571A2C11778C5', '625479393559393965414D45316477456B484F41316E64484742577A2E3162785353526B7554584647562F'],
    ['password', '06437A150142644D74187A6A2F0D7971094F2575', '48667A67485366745A304F6A487A73704250663465337A7530325157687A51364A384D737554424939702E'],
  ])('MySQL 8 authentication string for %s', (password, saltHex, digestHex) => {
    expect(sha256CryptDigest(Buffer.from(password), Buffer.from(saltHex, 'hex'), 5000)).toBe(
      Buffer.from(digestHex, 'hex').toString('ascii'),
    );
  });
});

describe('cachingSha2PasswordHash', () => {
  test('is $A$005$, a printable 20-character salt and the 43-character digest of that salt', () => {
    const hash = cachingSha2PasswordHash('s3cret ü');
    expect(hash).toMatch(/^\$A\$005\$[./0-9A-Za-z]{20}[./0-9A-Za-z]{43}$/);
    const salt = hash.slice(7, 27);
    expect(hash.slice(27)).toBe(sha256CryptDigest(Buffer.from('s3cret ü', 'utf8'), Buffer.from(salt), 5000));
  });

  test('uses a fresh salt each time', () => {
    expect(cachingSha2PasswordHash('x')).not.toBe(cachingSha2PasswordHash('x'));
  });

  test('refuses a salt that is not 20 crypt-alphabet characters', () => {
    expect(() => cachingSha2PasswordHash('x', 'short')).toThrow('salt');
    expect(() => cachingSha2PasswordHash('x', '$'.repeat(20))).toThrow('salt');
  });
});
