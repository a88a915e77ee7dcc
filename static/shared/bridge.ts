/**
 * What the pages need from the host: the `@forge/bridge` calls they use. In Jira this is the real
 * `@forge/bridge` (see `forgeBridge`); the component tests pass one backed by the app's resolvers on the
 * Forge runtime emulator; the sandbox implements `window.__bridge` (see BRIDGE-SHIM.md).
 */
export interface Bridge {
  invoke(functionKey: string, payload: Record<string, unknown>): Promise<unknown>;
  getContext(): Promise<unknown>;
  /** Opens a Jira location or an absolute URL in a new tab. */
  open(url: string): Promise<void>;
  /** `view.submit`: hands the portal create form's answers to JSM (the create-form panel only). */
  submit(payload: unknown): Promise<void>;
}

/**
 * The real bridge, loaded lazily: `@forge/bridge` reads `window.__bridge` when it is imported and throws
 * without one, so importing it late lets the page say so instead of rendering nothing.
 */
export async function forgeBridge(): Promise<Bridge> {
  const { invoke, view, router } = await import('@forge/bridge');
  return {
    invoke: (functionKey, payload) => invoke(functionKey, payload),
    getContext: () => view.getContext(),
    open: (url) => router.open(url),
    submit: (payload) => view.submit(payload),
  };
}
