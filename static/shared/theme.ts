/**
 * Turns on the Atlassian Design System theme the way Forge does: `view.theme.enable()` asks the host, which
 * loads the theme's stylesheets and sets the user's colour mode on the page. The page injects no `<style>`
 * of its own (Forge's content security policy refuses inline styles unless the manifest allows them).
 */
export async function enableTheming(): Promise<void> {
  const { view } = await import('@forge/bridge');
  await view.theme.enable();
}
