import { render } from '@testing-library/react';
import { ServicesProvider } from '../../../static/shared/app-context';
import type { Bridge } from '../../../static/shared/bridge';
import { resolverClient } from '../../../static/shared/resolver-client';
import { AdminPage } from '../../../static/admin-page/src/admin-page';
import { TicketPanel } from '../../../static/ticket-panel/src/ticket-panel';

/** Renders a page as mountPage does in Jira, with the given bridge. */
export function renderPage(page: 'admin' | 'panel', bridge: Bridge) {
  const Page = page === 'admin' ? AdminPage : TicketPanel;
  return render(
    <ServicesProvider services={{ bridge, client: resolverClient(bridge) }}>
      <Page context={{}} />
    </ServicesProvider>,
  );
}

/** React's deprecation warnings from inside the design system's own components are not the pages' doing. */
export function quietDesignSystemWarnings(): void {
  const original = console.error.bind(console);
  jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('Support for defaultProps will be removed')) return;
    original(...args);
  });
}
