/**
 * One JSON line per event on stdout (Forge collects it). Callers pass facts only: ticket keys, states,
 * codes; never a password, secret or token.
 */
export function logEvent(event: string, fields: Record<string, string | number | boolean | undefined> = {}): void {
  console.log(JSON.stringify({ event, ...fields }));
}
