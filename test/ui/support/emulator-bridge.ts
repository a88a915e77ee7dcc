import type { Bridge } from '../../../static/shared/bridge';
import type { Site } from '../../app/support/app-site';

/**
 * The bridge as the pages see it in Jira, answered by the app's real resolvers on the Forge runtime
 * emulator, as `accountId`, from the admin page or from the ticket panel of `ticket`.
 */
export function emulatorBridge(site: Site, accountId: string, ticket?: string): Bridge & { opened: string[]; submitted: unknown[] } {
  const opened: string[] = [];
  const submitted: unknown[] = [];
  const extension = ticket ? { type: 'jira:issuePanel', issue: { key: ticket } } : { type: 'jira:adminPage' };
  return {
    opened,
    submitted,
    invoke: (functionKey, payload) =>
      site.runtime.invokeResolver({ moduleKey: ticket ? 'jit-ticket-panel' : 'jit-admin-page', functionKey, payload, accountId, ...(ticket ? { extension: { issue: { key: ticket } } } : {}) }),
    getContext: async () => ({ accountId, extension, theme: { colorMode: 'light' } }),
    open: async (url) => {
      opened.push(url);
    },
    submit: async (payload) => {
      submitted.push(payload);
    },
  };
}
