import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { injectBridgeShim, type ShimOptions } from '../../../static/shared/bridge-shim';
import { hostTheme } from './forge-theme';
import { serveStatic } from './static-files';

/** A Custom UI module of the app and the build directory of its resource. */
export type HostedPage = { moduleKey: string; type: string; buildDir: string };
export type PageViewer = { email: string; accountId: string; isAdmin: boolean };

export type CustomUiDeps = {
  pages: readonly HostedPage[];
  /** A demo user by email; undefined for anyone else. */
  viewer(email: string): PageViewer | undefined;
  /** The policy Forge serves a page with, from its index.html and the site it is embedded in (forge-csp.ts). */
  contentSecurityPolicy(html: string, siteUrl: string): string;
};

export const CUSTOM_UI_PREFIX = '/app/';

// What the embedding page asks for: who is signed in, the ticket of an issue panel, the user's theme.
const pageQuery = z.object({
  as: z.string().min(1, 'as=<demo user email> is required'),
  issue: z
    .string()
    .regex(/^[A-Z][A-Z0-9]+-\d+$/)
    .optional(),
  theme: z.enum(['light', 'dark']).default('light'),
  /** The request type of the portal's create screen a create-form panel is on. */
  requestType: z.string().regex(/^\d+$/).optional(),
});

const CREATE_FORM = 'jiraServiceManagement:portalRequestCreatePropertyPanel';

const NEEDS_ISSUE = new Set(['jira:issuePanel', 'jiraServiceManagement:portalRequestDetail']);

function htmlMessage(status: number, text: string): Response {
  const escaped = text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
  return new Response(`<!doctype html><meta charset="utf-8"><title>JIT sandbox</title><p role="alert">${escaped}</p>`, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
}

async function pageHtml(page: HostedPage, url: URL, deps: CustomUiDeps): Promise<Response> {
  const query = pageQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) return htmlMessage(400, z.prettifyError(query.error));
  const viewer = deps.viewer(query.data.as.toLowerCase());
  if (viewer === undefined) return htmlMessage(400, `${query.data.as} is not a demo user of this sandbox.`);
  if (page.type === 'jira:adminPage' && !viewer.isAdmin) return htmlMessage(403, 'Only Jira administrators can open the app settings.');
  if (NEEDS_ISSUE.has(page.type) && query.data.issue === undefined) return htmlMessage(400, 'issue=<ticket key> is required for this page.');
  if (page.type === CREATE_FORM && query.data.requestType === undefined) return htmlMessage(400, 'requestType=<request type id> is required for this page.');
  const html = await readFile(join(page.buildDir, 'index.html'), 'utf8').catch(() => undefined);
  if (html === undefined) return htmlMessage(503, "The app's Custom UI pages are not built: run `npm run build` and reload.");
  const options: ShimOptions = {
    email: viewer.email,
    accountId: viewer.accountId,
    moduleKey: page.moduleKey,
    colorMode: query.data.theme,
    theme: await hostTheme(query.data.theme),
    ...(query.data.issue === undefined ? {} : { issueKey: query.data.issue }),
    ...(page.type === CREATE_FORM && query.data.requestType !== undefined ? { requestTypeId: query.data.requestType } : {}),
  };
  const served = injectBridgeShim(html, options);
  return new Response(served, {
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': deps.contentSecurityPolicy(served, url.origin) },
  });
}

/**
 * The app's Custom UI pages under `/app/<moduleKey>/`, as Jira renders them in an iframe: the resource's
 * build files, and its index.html with the bridge shim for the signed-in demo user (static/shared/BRIDGE-SHIM.md).
 */
export async function serveCustomUi(request: Request, deps: CustomUiDeps): Promise<Response> {
  const url = new URL(request.url);
  const [moduleKey = '', ...rest] = url.pathname.slice(CUSTOM_UI_PREFIX.length).split('/');
  const page = deps.pages.find((candidate) => candidate.moduleKey === moduleKey);
  if (page === undefined) return htmlMessage(404, `The app has no Custom UI module ${moduleKey}.`);
  if (rest.length === 0) return Response.redirect(`${url.origin}${CUSTOM_UI_PREFIX}${moduleKey}/${url.search}`, 308);
  const file = rest.join('/');
  if (file === '' || file === 'index.html') return pageHtml(page, url, deps);
  return (await serveStatic(page.buildDir, file, { spaFallback: false })) ?? new Response('Not found', { status: 404 });
}
