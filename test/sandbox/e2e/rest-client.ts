import { z } from 'zod';

export type RestResult = { status: number; body: unknown };

/** The sandbox's REST API as a JSM client sees it: Basic auth with a demo user's email and any token. */
export function restClient(baseUrl: string) {
  const as = (email: string) => {
    const auth = `Basic ${Buffer.from(`${email}:any-token`).toString('base64')}`;
    const send = async (method: string, path: string, body?: unknown, raw?: string): Promise<RestResult> => {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: auth, accept: 'application/json', ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
    };
    return {
      get: (path: string) => send('GET', path),
      post: (path: string, body: unknown) => send('POST', path, body),
      postRaw: (path: string, raw: string) => send('POST', path, undefined, raw),
    };
  };
  return { as };
}

const page = <T extends z.ZodType>(item: T) => z.looseObject({ values: z.array(item) });
const fieldSchema = z.looseObject({ fieldId: z.string(), name: z.string(), validValues: z.array(z.looseObject({ value: z.string(), label: z.string() })) });

/** Finds the service desk, the app's access request type and its field ids by name, through the REST API only. */
export async function discoverForm(client: ReturnType<ReturnType<typeof restClient>['as']>) {
  const desks = page(z.looseObject({ id: z.string(), projectKey: z.string() })).parse((await client.get('/rest/servicedeskapi/servicedesk')).body);
  const desk = desks.values.find((candidate) => candidate.projectKey === 'DBA');
  if (!desk) throw new Error('no DBA service desk');
  const types = page(z.looseObject({ id: z.string(), name: z.string() })).parse((await client.get(`/rest/servicedeskapi/servicedesk/${desk.id}/requesttype`)).body);
  const type = types.values.find((candidate) => candidate.name === 'Database access');
  if (!type) throw new Error('no Database access request type');
  const fields = z
    .looseObject({ requestTypeFields: z.array(fieldSchema) })
    .parse((await client.get(`/rest/servicedeskapi/servicedesk/${desk.id}/requesttype/${type.id}/field`)).body).requestTypeFields;
  const id = (prefix: string) => {
    const field = fields.find((candidate) => candidate.name.startsWith(prefix));
    if (!field) throw new Error(`no field ${prefix}`);
    return field;
  };
  return {
    serviceDeskId: desk.id,
    requestTypeId: type.id,
    fields: { target: id('Database'), accessLevel: id('Access level'), duration: id('Duration'), justification: id('Justification') },
  };
}
