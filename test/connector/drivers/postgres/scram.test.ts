import { Client } from 'pg';
import { parseScramVerifier, scramSha256Verifier, SCRAM_ITERATIONS } from '../../../../src/connector/drivers/postgres/scram';
import { describeWith, uniqueSuffix } from '../../../support/servers';

/** Made by PostgreSQL 15: `SET password_encryption = 'scram-sha-256'; CREATE ROLE x PASSWORD 'pencil'`. */
const POSTGRES_VECTOR = {
  password: 'pencil',
  verifier:
    'SCRAM-SHA-256$4096:F3wnNAWcuBAvKDWIIS5ZZg==$ZLpHlslvfjkiNUjFgKjNDqb84ck7HdwNg0YgFPLng8k=:OAv74EQrweR+2/5NVNi2yQVtLbL92R854xDP4ysTPD4=',
};

async function recompute(verifier: string, password: string): Promise<string> {
  const parts = parseScramVerifier(verifier);
  if (!parts) throw new Error(`not a SCRAM verifier: ${verifier}`);
  return scramSha256Verifier(password, { salt: parts.salt, iterations: parts.iterations });
}

describe('scramSha256Verifier', () => {
  it('reproduces a verifier PostgreSQL made, from its salt and iteration count', async () => {
    expect(await recompute(POSTGRES_VECTOR.verifier, POSTGRES_VECTOR.password)).toBe(POSTGRES_VECTOR.verifier);
  });

  it('gives a different verifier for a different password with the same salt', async () => {
    expect(await recompute(POSTGRES_VECTOR.verifier, 'pencil2')).not.toBe(POSTGRES_VECTOR.verifier);
  });

  it('uses 4096 iterations and a fresh 16-byte salt each time', async () => {
    const first = parseScramVerifier(await scramSha256Verifier('secret'));
    const second = parseScramVerifier(await scramSha256Verifier('secret'));
    expect(first?.iterations).toBe(SCRAM_ITERATIONS);
    expect(first?.salt).toHaveLength(16);
    expect(first?.storedKey).toHaveLength(32);
    expect(first?.serverKey).toHaveLength(32);
    expect(first?.salt.equals(second?.salt ?? Buffer.alloc(0))).toBe(false);
  });

  it('refuses non-ASCII passwords, which PostgreSQL would SASLprep first', async () => {
    await expect(scramSha256Verifier('pässword')).rejects.toThrow(RangeError);
  });

  it.each([['md5abc'], ['SCRAM-SHA-256$0:AA==$AA==:AA=='], ['SCRAM-SHA-256$4096:AA==$AA==']])('parseScramVerifier(%j) is null', (text) => {
    expect(parseScramVerifier(text)).toBeNull();
  });
});

describeWith('postgres', 'scramSha256Verifier against the server', (url) => {
  const role = `jit_scram_${uniqueSuffix()}`;
  const client = new Client({ connectionString: url });

  beforeAll(() => client.connect());
  afterAll(async () => {
    await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(role)}`);
    await client.end();
  });

  it('matches what PostgreSQL stores for a password it hashed itself', async () => {
    const password = `pw-${uniqueSuffix()}!"'\\`;
    await client.query("SET password_encryption = 'scram-sha-256'");
    await client.query(`CREATE ROLE ${client.escapeIdentifier(role)} PASSWORD ${client.escapeLiteral(password)}`);
    const { rows } = await client.query<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]);
    const stored = rows[0]?.rolpassword ?? '';
    expect(stored).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(await recompute(stored, password)).toBe(stored);
  });
});
