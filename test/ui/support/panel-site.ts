import { z } from 'zod';
import { grantRecordSchema, type GrantRecord } from '../../../src/core';
import { settle } from '../../app/support/app-site';
import type { AppUnderTest } from '../../app/support/install-app';
import { asUser, call, readTicket, transitionAs } from '../../app/support/ticket';

/** The grant record of a ticket, as the `jit-access` property holds it. */
export async function grantOf(app: AppUnderTest, key: string): Promise<GrantRecord> {
  return grantRecordSchema.parse((await readTicket(app.site, key)).property);
}

/** A change request planned from `start` to `end` (ms), moved to an approved status. */
export async function approvedChange(app: AppUnderTest, start: number, end: number): Promise<string> {
  const { site } = app;
  const agent = asUser(site.people.agent);
  const fields = z.array(z.object({ id: z.string(), name: z.string() })).parse((await call(site, agent, 'GET', '/rest/api/3/field')).body);
  const fieldId = (name: string) => fields.find((field) => field.name === name)?.id ?? '';
  const created = await call(site, agent, 'POST', '/rest/api/3/issue', {
    fields: { project: { key: 'CHG' }, issuetype: { name: 'Change' }, summary: 'Reindex orders', [fieldId('Planned start')]: new Date(start).toISOString(), [fieldId('Planned end')]: new Date(end).toISOString() },
  });
  const key = z.object({ key: z.string() }).parse(created.body).key;
  await transitionAs(site, key, site.people.agent, 'Ready for implementation');
  await settle(site);
  return key;
}
