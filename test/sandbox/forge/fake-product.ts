import type { ForgeProductEvent, JsmIdentity, ProductHandler } from '../../../src/sandbox/forge';

export type RecordedProductRequest = { method: string; path: string; identity: JsmIdentity };

/** A tiny stand-in for the JSM emulator: answers a few Jira paths and records who asked. */
export function createFakeProduct() {
  const requests: RecordedProductRequest[] = [];
  const listeners = new Set<(event: ForgeProductEvent) => void>();
  const json = (status: number, body: unknown) => Response.json(body, { status });
  const product: ProductHandler = {
    async handle(request, identity) {
      const url = new URL(request.url);
      requests.push({ method: request.method, path: `${url.pathname}${url.search}`, identity });
      if (url.pathname === '/rest/api/3/myself') {
        return identity.kind === 'user' ? json(200, { accountId: identity.accountId }) : json(401, {});
      }
      if (url.pathname === '/rest/api/3/serverInfo') return json(200, { deploymentType: 'Cloud' });
      const issueKey = /^\/rest\/api\/3\/issue\/([A-Z]+-\d+)$/.exec(url.pathname)?.[1];
      if (issueKey !== undefined) return json(200, { key: issueKey, fields: { status: { name: 'Approved' } } });
      return json(404, { errorMessages: ['not found'] });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    product,
    requests,
    emit: (event: ForgeProductEvent) => listeners.forEach((listener) => listener(event)),
  };
}
