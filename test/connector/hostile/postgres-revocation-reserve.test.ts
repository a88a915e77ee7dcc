import { createFixture, type Fixture } from '../drivers/postgres/fixture';
import { describeWith } from '../../support/servers';

const BACKLOG = 200;

/**
 * Revocation must not wait for a free connection behind other work. A burst of grants (a bulk approval, or
 * requests held up by a slow database) fills the target's connections and queues behind them; a revocation
 * issued in the middle of it must go through on the connections kept for revocations, not after the backlog.
 */
describeWith('postgres', 'PostgreSQL revocation with every connection of the target busy with grant work', (adminUrl) => {
  let fx: Fixture;

  beforeAll(async () => {
    fx = await createFixture(adminUrl);
  });

  afterAll(async () => {
    await fx?.cleanup();
  });

  const grant = (name: string) =>
    fx.driver.grant({ name, mode: 'ephemeral', access: fx.target.access.read!, grantId: name, password: 'Pw-0123456789abcdef', notAfter: new Date(Date.now() + 600_000), enabled: true });

  it('revokes ahead of a backlog of grants instead of after it', async () => {
    const victim = `jit_v_${fx.suffix}`;
    await grant(victim);
    const holder = await fx.connectAs(victim, 'Pw-0123456789abcdef');
    let grantsDone = 0;
    const backlog = Array.from({ length: BACKLOG }, (_, index) => grant(`jit_b${index}_${fx.suffix}`).then(() => void (grantsDone += 1)));
    const revoked = await fx.driver.revoke({ name: victim, mode: 'ephemeral', access: fx.target.access.read! });
    const doneWhenRevoked = grantsDone;
    await Promise.all(backlog);
    expect(revoked.existed).toBe(true);
    await expect(holder.query('SELECT 1')).rejects.toThrow();
    // Behind the backlog it would have waited for nearly all of it.
    expect(doneWhenRevoked).toBeLessThan(BACKLOG / 2);
  });
});
