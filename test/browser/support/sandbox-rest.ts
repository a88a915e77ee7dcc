import { z } from 'zod';

const infoSchema = z.looseObject({
  users: z.array(z.looseObject({ accountId: z.string(), email: z.string(), role: z.string() })),
  pages: z.array(z.looseObject({ moduleKey: z.string(), type: z.string() })),
  serviceDeskId: z.string(),
  requestTypes: z.looseObject({ access: z.string() }),
  fields: z.looseObject({ target: z.string(), accessLevel: z.string(), duration: z.string(), justification: z.string() }),
});

/** The sandbox as a JSM customer and an agent use it over REST: raise a request, read its jit-access state, call a resolver. */
export async function sandboxRest(url: string) {
  const info = infoSchema.parse(await (await fetch(`${url}/sandbox/api/info`)).json());
  const send = async (email: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${email}:browser-test`).toString('base64')}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
  return {
    info,
    async raise(email: string, target: string, accessLevel: string, duration: string): Promise<string> {
      const created = await send(email, 'POST', '/rest/servicedeskapi/request', {
        serviceDeskId: info.serviceDeskId,
        requestTypeId: info.requestTypes.access,
        requestFieldValues: { summary: `${accessLevel} on ${target}`, [info.fields.target]: { value: target }, [info.fields.accessLevel]: { value: accessLevel }, [info.fields.duration]: duration, [info.fields.justification]: 'INC-7 investigation' },
      });
      if (created.status !== 201) throw new Error(`raise failed: ${created.status} ${JSON.stringify(created.body)}`);
      return z.looseObject({ issueKey: z.string() }).parse(created.body).issueKey;
    },
    async state(email: string, key: string): Promise<string | undefined> {
      const issue = await send(email, 'GET', `/rest/api/3/issue/${key}?properties=jit-access`);
      return z.looseObject({ properties: z.looseObject({ 'jit-access': z.looseObject({ state: z.string() }).optional() }) }).parse(issue.body).properties['jit-access']?.state;
    },
    async status(email: string, key: string): Promise<string> {
      const issue = await send(email, 'GET', `/rest/api/3/issue/${key}?fields=status`);
      return z.looseObject({ fields: z.looseObject({ status: z.looseObject({ name: z.string() }) }) }).parse(issue.body).fields.status.name;
    },
    /** Answers the ticket's open approval as `email`, as an approver does in the portal. */
    async approve(email: string, key: string): Promise<void> {
      const approvals = z.looseObject({ values: z.array(z.looseObject({ id: z.string(), finalDecision: z.string() })) }).parse((await send(email, 'GET', `/rest/servicedeskapi/request/${key}/approval`)).body).values;
      const open = approvals.find((approval) => approval.finalDecision === 'pending');
      if (!open) throw new Error(`no open approval on ${key}`);
      const answer = await send(email, 'POST', `/rest/servicedeskapi/request/${key}/approval/${open.id}`, { decision: 'approve' });
      if (answer.status !== 200) throw new Error(`approval failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    },
    async resolver(email: string, functionKey: string, issueKey: string) {
      const answer = await send(email, 'POST', '/sandbox/api/resolver', { functionKey, payload: {}, issueKey, moduleKey: 'jit-ticket-panel' });
      return z.looseObject({ result: z.looseObject({ ok: z.boolean(), error: z.looseObject({ code: z.string(), message: z.string() }).optional() }) }).parse(answer.body).result;
    },
  };
}
