import { z } from 'zod';
import type { discoverForm, restClient } from './rest-client';

const jitAccess = z.looseObject({ state: z.string(), username: z.string().optional() });
const issueWithProperty = z.looseObject({ properties: z.looseObject({ 'jit-access': jitAccess.optional() }) });
const comments = z.looseObject({ comments: z.array(z.looseObject({ body: z.unknown() })) });
const transitions = z.looseObject({ transitions: z.array(z.looseObject({ id: z.string(), name: z.string() })) });
const created = z.looseObject({ issueKey: z.string() });
const revealed = z.looseObject({
  result: z.looseObject({
    ok: z.literal(true),
    data: z.looseObject({ username: z.string(), password: z.string(), connect: z.looseObject({ host: z.string(), port: z.number(), database: z.string() }) }),
  }),
});

export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The SQL gateway's port, from the banner `npm start --gateway` prints. */
export function bannerGatewayPort(output: string): number | undefined {
  const match = /SQL gateway\s+127\.0\.0\.1:(\d+)/.exec(output);
  return match ? Number(match[1]) : undefined;
}

/** A ticket of the sandbox, driven as its users do: ana raises and resolves, the lead reads. */
export function gatewayTicket(sandboxUrl: string, rest: ReturnType<typeof restClient>, form: Awaited<ReturnType<typeof discoverForm>>) {
  const ana = () => rest.as('ana@example.com');
  const lead = () => rest.as('lead@example.com');
  const state = async (key: string) => issueWithProperty.parse((await lead().get(`/rest/api/3/issue/${key}?properties=jit-access`)).body).properties['jit-access'];
  return {
    /** Raises read-only on `target` (granted at once on dev) and waits for it; returns the key and the login. */
    async raiseActive(target: string): Promise<{ key: string; username: string }> {
      const raised = await ana().post('/rest/servicedeskapi/request', {
        serviceDeskId: form.serviceDeskId,
        requestTypeId: form.requestTypeId,
        requestFieldValues: {
          summary: `Read ${target} through the gateway`,
          [form.fields.target.fieldId]: { value: target },
          [form.fields.accessLevel.fieldId]: { value: 'read-only' },
          [form.fields.duration.fieldId]: 'PT10M',
          [form.fields.justification.fieldId]: 'INC-90 order notes',
        },
      });
      const key = created.parse(raised.body).issueKey;
      const active = await eventually(() => state(key), (access) => access?.state === 'active', 30_000);
      return { key, username: active?.username ?? '' };
    },
    /** What the ticket panel's Reveal password gives ana, once. */
    async reveal(key: string) {
      const answer = await fetch(`${sandboxUrl}/sandbox/api/resolver`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('ana@example.com:t').toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ functionKey: 'revealCredential', issueKey: key, payload: {} }),
      });
      return revealed.parse(await answer.json()).result.data;
    },
    /** Ana resolves the ticket; waits for the grant to be revoked. */
    async resolve(key: string): Promise<string | undefined> {
      const resolve = transitions.parse((await ana().get(`/rest/api/3/issue/${key}/transitions`)).body).transitions.find((t) => t.name === 'Resolve');
      await ana().post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: resolve?.id } });
      return (await eventually(() => state(key), (access) => access?.state === 'revoked', 30_000))?.state;
    },
    /** The ticket's comments as JSON text, once the activity comment is among them. */
    activityThread(key: string): Promise<string> {
      return eventually(
        async () => JSON.stringify(comments.parse((await lead().get(`/rest/api/3/issue/${key}/comment`)).body).comments),
        (text) => text.includes('Database activity under grant'),
        30_000,
      );
    },
  };
}
