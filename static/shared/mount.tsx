import './zod-jitless';
import '@atlaskit/css-reset';
import { StrictMode, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { ServicesProvider } from './app-context';
import { forgeBridge } from './bridge';
import { resolverClient } from './resolver-client';
import { enableTheming } from './theme';

/** Starts a page in the Forge iframe: bridge, theme, then the page with the view context. */
export async function mountPage(Page: ComponentType<{ context: unknown }>): Promise<void> {
  const element = document.getElementById('root');
  if (!element) throw new Error('the page has no #root element');
  const root = createRoot(element);
  try {
    const bridge = await forgeBridge();
    const context = await bridge.getContext();
    await enableTheming();
    root.render(
      <StrictMode>
        <ServicesProvider services={{ bridge, client: resolverClient(bridge) }}>
          <Page context={context} />
        </ServicesProvider>
      </StrictMode>,
    );
  } catch (error) {
    root.render(<p role="alert">This page runs inside Jira and could not reach it: {error instanceof Error ? error.message : 'no bridge'}</p>);
  }
}
