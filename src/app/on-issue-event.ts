/** Placeholder entry point until the app's event handling lands (the manifest must name a real handler). */
export async function onIssueEvent(): Promise<void> {}
