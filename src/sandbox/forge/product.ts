/**
 * The seam to the product emulator (JSM). The Forge emulator routes `requestJira` calls to `handle` with the
 * identity Forge would have authenticated, carrying the manifest's scopes for the product to check, and
 * delivers what `onEvent` reports to the app's triggers.
 */
export type JsmIdentity =
  | { kind: 'app'; scopes?: readonly string[] }
  | { kind: 'user'; accountId: string; scopes?: readonly string[] }
  | { kind: 'anonymous' };

/** A product event as Forge hands it to a trigger, e.g. `{ eventType: 'avi:jira:updated:issue', issue, changelog, atlassianId }`. */
export type ForgeProductEvent = { eventType: string; atlassianId?: string; selfGenerated?: boolean } & Record<string, unknown>;

export type ProductHandler = {
  handle(request: Request, identity: JsmIdentity): Promise<Response>;
  onEvent?(listener: (event: ForgeProductEvent) => void): () => void;
};
