import getThemeHtmlAttrs from '@atlaskit/tokens/get-theme-html-attrs';
import getThemeStyles from '@atlaskit/tokens/get-theme-styles';
import type { HostTheme } from '../../../static/shared/bridge-shim';

/** Where the sandbox serves the theme stylesheets, on its own origin (`'self'` in Forge's style-src). */
export const FORGE_THEME_PREFIX = '/forge-theme/';

const themeState = (colorMode: 'light' | 'dark') => ({ colorMode, light: 'light', dark: 'dark', spacing: 'spacing', typography: 'typography' }) as const;

/**
 * What the host does for a page's `view.theme.enable()`, as Jira does for the user's theme: the html
 * attributes and the stylesheets (from @atlaskit/tokens) of the colour mode.
 */
export async function hostTheme(colorMode: 'light' | 'dark'): Promise<HostTheme> {
  const state = themeState(colorMode);
  const styles = await getThemeStyles(state);
  return { attributes: { ...getThemeHtmlAttrs(state) }, stylesheets: styles.map((style) => `${FORGE_THEME_PREFIX}${style.id}.css`) };
}

let allStyles: Promise<ReadonlyMap<string, string>> | undefined;

/** A theme stylesheet by its URL path, or undefined. */
export async function serveForgeTheme(pathname: string): Promise<Response | undefined> {
  allStyles ??= getThemeStyles('all').then((styles) => new Map(styles.map((style) => [`${FORGE_THEME_PREFIX}${style.id}.css`, style.css])));
  const css = (await allStyles).get(pathname);
  return css === undefined ? undefined : new Response(css, { headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' } });
}
