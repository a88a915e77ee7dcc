import { setGlobalTheme } from '@atlaskit/tokens/set-global-theme';
import { z } from 'zod';

const themeContext = z.looseObject({ theme: z.looseObject({ colorMode: z.enum(['light', 'dark']) }).nullish() });

/** The colour mode the host asks for in the view context (Jira sends the user's theme), light by default. */
export function colorModeOf(context: unknown): 'light' | 'dark' {
  const parsed = themeContext.safeParse(context);
  return parsed.success ? (parsed.data.theme?.colorMode ?? 'light') : 'light';
}

/** Loads the Atlassian Design System theme (bundled CSS, no network) and sets `data-color-mode`. */
export async function applyTheme(colorMode: 'light' | 'dark'): Promise<void> {
  await setGlobalTheme({ colorMode, light: 'light', dark: 'dark', spacing: 'spacing', typography: 'typography' });
}
