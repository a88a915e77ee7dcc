/**
 * The host side of the Custom UI bridge outside Jira (the local sandbox, the browser tests): what a host
 * injects into a page's index.html, before the page's own scripts, so the real `@forge/bridge` inside the
 * page finds `window.__bridge` as it does in Jira. Contract in BRIDGE-SHIM.md.
 */
export interface ShimOptions {
  /** The signed-in demo user; resolver calls go to `/sandbox/api/resolver` with Basic auth as this email. */
  email: string;
  accountId: string;
  /** The manifest module the page is rendered for: jit-admin-page, jit-ticket-panel or jit-portal-request. */
  moduleKey: string;
  /** The ticket of an issue panel or portal request view. */
  issueKey?: string;
  /**
   * The request type of a portal create-form panel (jit-portal-form). Its `view.submit` payloads go to the
   * embedding page as a `jit-portal-form:submit` message, as JSM's create screen keeps them until Send.
   */
  requestTypeId?: string;
  colorMode: 'light' | 'dark';
  /** What `view.theme.enable()` applies: html attributes and same-origin stylesheets of the user's theme. */
  theme: HostTheme;
}

export type HostTheme = { attributes: Record<string, string>; stylesheets: string[] };

/** A classic inline script defining `window.__bridge.callBridge(command, payload)`. */
export function bridgeShimScript(options: ShimOptions): string {
  const json = JSON.stringify(options).replace(/</g, '\\u003c');
  return `(() => {
  const options = ${json};
  const auth = 'Basic ' + btoa(options.email + ':sandbox');
  const extension = options.requestTypeId
    ? { type: 'jiraServiceManagement:portalRequestCreatePropertyPanel', portal: { id: 1 }, request: { typeId: Number(options.requestTypeId) } }
    : options.issueKey
      ? { type: options.moduleKey === 'jit-portal-request' ? 'jiraServiceManagement:portalRequestDetail' : 'jira:issuePanel', issue: { key: options.issueKey }, request: { key: options.issueKey } }
      : { type: 'jira:adminPage' };
  const context = { accountId: options.accountId, moduleKey: options.moduleKey, localId: options.moduleKey, locale: 'en-US', timezone: 'UTC', extension, theme: { colorMode: options.colorMode } };
  function loadStylesheet(href) {
    return new Promise((resolve, reject) => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      link.onload = () => resolve(undefined);
      link.onerror = () => reject(new Error('The theme stylesheet ' + href + ' did not load.'));
      document.head.appendChild(link);
    });
  }
  async function enableTheming() {
    await Promise.all(options.theme.stylesheets.map(loadStylesheet));
    for (const [name, value] of Object.entries(options.theme.attributes)) document.documentElement.setAttribute(name, value);
  }
  async function invoke(payload) {
    const response = await fetch('/sandbox/api/resolver', {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ functionKey: payload.functionKey, payload: payload.payload || {}, moduleKey: options.moduleKey, ...(options.issueKey ? { issueKey: options.issueKey } : {}), ...(options.requestTypeId ? { requestTypeId: options.requestTypeId } : {}) }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error((body.errorMessages || []).join(' ') || 'HTTP ' + response.status);
    return body.result;
  }
  window.__bridge = {
    callBridge: async (command, payload) => {
      switch (command) {
        case 'invoke': return invoke(payload);
        case 'getContext': return context;
        case 'navigate': window.open(payload.url, '_blank', 'noopener'); return undefined;
        case 'enableTheming': return enableTheming();
        case 'submit':
          // Only the create screen takes a submission; @forge/bridge turns false into "not submittable".
          if (!options.requestTypeId) return false;
          window.parent.postMessage({ type: 'jit-portal-form:submit', moduleKey: options.moduleKey, payload }, window.location.origin);
          return true;
        default: throw new Error('The sandbox bridge does not implement ' + command + '.');
      }
    },
  };
})();`;
}

/** The page's index.html with the shim in place, before its first script. */
export function injectBridgeShim(html: string, options: ShimOptions): string {
  const tag = `<script>${bridgeShimScript(options)}</script>`;
  return html.includes('<script') ? html.replace('<script', `${tag}\n<script`) : html.replace('</head>', `${tag}</head>`);
}
