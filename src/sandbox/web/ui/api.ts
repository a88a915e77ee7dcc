/// <reference lib="dom" />
/** The sandbox's same-origin APIs, called as the user picked in the header (Basic auth, any token). */

/** `isAgent`: works the queue (agent or admin); others are portal customers and see the portal's request view. */
export type DemoUser = { accountId: string; email: string; displayName: string; role: string; isAdmin: boolean; isAgent: boolean };
export type CustomUiPage = { moduleKey: string; type: string; title: string; built: boolean };
export type SandboxInfo = {
  users: DemoUser[];
  /** The app's Custom UI modules the sandbox renders (admin page, issue panel, portal request view). */
  pages: CustomUiPage[];
  serviceDeskId: string;
  projectKey: string;
  changeKey: string;
  /** The app's request field ids (target, accessLevel, duration, justification, change): its portal form asks for these. */
  fields: Record<string, string>;
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
