/// <reference lib="dom" />
/** The sandbox's same-origin APIs, called as the user picked in the header (Basic auth, any token). */

export type DemoUser = { accountId: string; email: string; displayName: string; role: string };
export type SandboxInfo = {
  users: DemoUser[];
  serviceDeskId: string;
  projectKey: string;
  changeKey: string;
  targets: { id: string; environment: string; engine: string }[];
  sweepSeconds: number;
};
export type ApiResult = { status: number; body: unknown };

export async function call(user: DemoUser, method: string, path: string, body?: unknown): Promise<ApiResult> {
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Basic ${btoa(`${user.email}:sandbox`)}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

export async function loadInfo(): Promise<SandboxInfo> {
  const response = await fetch('/sandbox/api/info');
  return (await response.json()) as SandboxInfo;
}

/** Jira and JSM error bodies as one line for the user. */
export function errorText(result: ApiResult): string {
  const body = result.body as { errorMessages?: string[]; errorMessage?: string; errors?: Record<string, string> } | null;
  const parts = [...(body?.errorMessages ?? []), ...(body?.errorMessage ? [body.errorMessage] : []), ...Object.values(body?.errors ?? {})];
  return parts.length > 0 ? parts.join(' ') : `HTTP ${result.status}`;
}

/** An ADF document's text, paragraphs on their own lines. */
export function adfText(node: unknown): string {
  if (typeof node !== 'object' || node === null) return '';
  const record = node as { type?: string; text?: string; content?: unknown[] };
  if (record.type === 'text') return record.text ?? '';
  const inner = (record.content ?? []).map(adfText).join('');
  return record.type === 'paragraph' ? `${inner}\n` : inner;
}

/** A resolver of the app, called as the signed-in user with the issue's context (as @forge/bridge invoke does). */
export async function invokeResolver(user: DemoUser, functionKey: string, issueKey: string, payload: unknown = {}): Promise<{ ok: boolean; data?: unknown; error?: { code: string; message: string } }> {
  const result = await call(user, 'POST', '/sandbox/api/resolver', { functionKey, issueKey, payload });
  if (result.status !== 200) return { ok: false, error: { code: 'http', message: errorText(result) } };
  return (result.body as { result: { ok: boolean; data?: unknown; error?: { code: string; message: string } } }).result;
}
