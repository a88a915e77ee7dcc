import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bridgeShimScript } from '../../../static/shared/bridge-shim';
import { forgeContentSecurityPolicy } from '../../../src/sandbox/web/forge-csp';
import { hostTheme } from '../../../src/sandbox/web/forge-theme';
import { customUiPages, notBuiltWarning } from '../../../src/sandbox/start/custom-ui-pages';
import { serveCustomUi, type CustomUiDeps } from '../../../src/sandbox/web/custom-ui';

const ROOT = join(__dirname, '../../..');
const PAGE_HTML = '<!doctype html><html><head><title>x</title><script type="module" src="./assets/index.js"></script></head><body><main id="root"></main></body></html>';

describe("the app's Custom UI pages in the sandbox", () => {
  let dir: string;
  let deps: CustomUiDeps;
  const get = (path: string) => serveCustomUi(new Request(`http://sandbox.local${path}`), deps);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jit-custom-ui-'));
    const built = join(dir, 'panel');
    mkdirSync(join(built, 'assets'), { recursive: true });
    writeFileSync(join(built, 'index.html'), PAGE_HTML);
    writeFileSync(join(built, 'assets', 'index.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'outside');
    deps = {
      pages: [
        { moduleKey: 'jit-ticket-panel', type: 'jira:issuePanel', buildDir: built },
        { moduleKey: 'jit-admin-page', type: 'jira:adminPage', buildDir: join(dir, 'admin-not-built') },
      ],
      viewer: (email) =>
        ({ 'ana@example.com': { email, accountId: 'acc-ana', isAdmin: false }, 'admin@example.com': { email, accountId: 'acc-admin', isAdmin: true } })[email],
      contentSecurityPolicy: forgeContentSecurityPolicy(join(ROOT, 'manifest.yml')),
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the modules and their build directories from the real manifest.yml', () => {
    const pages = customUiPages(join(ROOT, 'manifest.yml'));
    expect(pages.map(({ moduleKey, type }) => ({ moduleKey, type }))).toEqual([
      { moduleKey: 'jit-admin-page', type: 'jira:adminPage' },
      { moduleKey: 'jit-ticket-panel', type: 'jira:issuePanel' },
      { moduleKey: 'jit-portal-request', type: 'jiraServiceManagement:portalRequestDetail' },
      { moduleKey: 'jit-portal-form', type: 'jiraServiceManagement:portalRequestCreatePropertyPanel' },
    ]);
    expect(pages.map((page) => page.buildDir)).toEqual([
      join(ROOT, 'static/admin-page/build'),
      join(ROOT, 'static/ticket-panel/build'),
      join(ROOT, 'static/ticket-panel/build'),
      join(ROOT, 'static/portal-form/build'),
    ]);
  });

  it("serves index.html with the bridge shim for the viewer, the ticket and the theme, under Forge's CSP", async () => {
    const response = await get('/app/jit-ticket-panel/?as=ana@example.com&issue=DBA-7&theme=dark');
    expect(response.status).toBe(200);
    const html = await response.text();
    const shim = bridgeShimScript({ email: 'ana@example.com', accountId: 'acc-ana', moduleKey: 'jit-ticket-panel', colorMode: 'dark', theme: await hostTheme('dark'), issueKey: 'DBA-7' });
    expect(html).toContain(`<script>${shim}</script>\n<script type="module" src="./assets/index.js">`);
    // The policy is @forge/csp's for this page and the manifest: the shim is allowed as the page's one inline script.
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toBe(deps.contentSecurityPolicy(html, 'http://sandbox.local'));
    const directives = new Map(policy.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]));
    const hash = createHash('sha256').update(shim).digest('base64');
    expect(directives.get('script-src')).toContain(`'sha256-${hash}'`);
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
    expect(directives.get('connect-src')).toContain("'self'");
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('serves the build files, and nothing outside the build directory', async () => {
    const asset = await get('/app/jit-ticket-panel/assets/index.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await asset.text()).toBe('console.log(1)');
    expect((await get('/app/jit-ticket-panel/assets/missing.js')).status).toBe(404);
    expect((await get('/app/jit-ticket-panel/..%2Fsecret.txt')).status).toBe(404);
  });

  it('redirects the bare module path to its directory, keeping the query', async () => {
    const response = await get('/app/jit-ticket-panel?as=ana@example.com&issue=DBA-7');
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('http://sandbox.local/app/jit-ticket-panel/?as=ana@example.com&issue=DBA-7');
  });

  it('refuses an unknown module, a stranger, a panel without a ticket, and a non-admin on the admin page', async () => {
    expect((await get('/app/nope/?as=ana@example.com')).status).toBe(404);
    const stranger = await get('/app/jit-ticket-panel/?as=mallory@example.com&issue=DBA-7');
    expect([stranger.status, await stranger.text()]).toEqual([400, expect.stringContaining('mallory@example.com is not a demo user')]);
    const noIssue = await get('/app/jit-ticket-panel/?as=ana@example.com');
    expect([noIssue.status, await noIssue.text()]).toEqual([400, expect.stringContaining('issue=&lt;ticket key&gt; is required')]);
    expect((await get('/app/jit-ticket-panel/?as=ana@example.com&issue=DBA-7&theme=purple')).status).toBe(400);
    const notAdmin = await get('/app/jit-admin-page/?as=ana@example.com');
    expect([notAdmin.status, await notAdmin.text()]).toEqual([403, expect.stringContaining('Only Jira administrators')]);
  });

  it('says how to build a page that is not built, at start and in the browser', async () => {
    const missing = await get('/app/jit-admin-page/?as=admin@example.com');
    expect(missing.status).toBe(503);
    expect(await missing.text()).toContain('not built: run <code>npm run build</code>');
    expect(notBuiltWarning(deps.pages.map((page) => ({ ...page, title: '', type: 'jira:adminPage' as const })), dir)).toBe(
      "The app's Custom UI pages are not built (admin-not-built missing): run `npm run build` and reload the browser.",
    );
    expect(notBuiltWarning(deps.pages.slice(0, 1).map((page) => ({ ...page, title: '', type: 'jira:issuePanel' as const })), dir)).toBeUndefined();
  });
});
