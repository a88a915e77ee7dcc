/** Who a request comes from: Basic auth as Jira Cloud takes it (`email:api-token`), any token for a known email. */
export type Caller = { kind: 'user'; accountId: string; email: string } | { kind: 'anonymous' } | { kind: 'invalid' };

export type Directory = (email: string) => string | undefined;

export function callerOf(request: Request, directory: Directory): Caller {
  const header = request.headers.get('authorization');
  if (header === null) return { kind: 'anonymous' };
  const encoded = /^Basic\s+(\S+)$/i.exec(header)?.[1];
  if (encoded === undefined) return { kind: 'invalid' };
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0) return { kind: 'invalid' };
  const email = decoded.slice(0, separator).toLowerCase();
  const accountId = directory(email);
  return accountId === undefined ? { kind: 'invalid' } : { kind: 'user', accountId, email };
}

/** Jira's answer to missing or wrong credentials. */
export function unauthorized(): Response {
  return Response.json(
    { errorMessages: ['Client must be authenticated to access this resource.'], errors: {} },
    { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="JIT sandbox"' } },
  );
}
