/// <reference lib="dom" />
import { setGlobalTheme } from '@atlaskit/tokens/set-global-theme';

export type Theme = 'light' | 'dark';

const KEY = 'sandbox-theme';

/** The theme the user last chose in the header, light at first. */
export function savedTheme(): Theme {
  return window.localStorage.getItem(KEY) === 'dark' ? 'dark' : 'light';
}

/** Applies the theme to the sandbox (Atlassian Design System tokens) and remembers it; app pages get it in their context. */
export async function applyTheme(theme: Theme): Promise<void> {
  window.localStorage.setItem(KEY, theme);
  await setGlobalTheme({ colorMode: theme, light: 'light', dark: 'dark', spacing: 'spacing', typography: 'typography' });
}
