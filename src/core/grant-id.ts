/**
 * Connector grant ids: the ticket key and a generation (`JIT-12.1`), so a callback or the connector's list
 * maps back to its ticket without a lookup. The record gets its id when the grant starts, before the
 * connector is asked (intent before action); an administrator's retry moves to the next generation,
 * because the connector may hold the old id half-made or tombstoned.
 */

export function grantIdFor(ticket: string, generation = 1): string {
  return `${ticket}.${generation}`;
}

/** The next generation after `grantId` (the first when there is none yet). */
export function nextGrantId(ticket: string, grantId: string | undefined): string {
  const generation = Number(/\.(\d+)$/.exec(grantId ?? '')?.[1] ?? 0);
  return grantIdFor(ticket, generation + 1);
}

export function ticketOfGrantId(grantId: string): string | undefined {
  return /^([A-Z][A-Z0-9_]*-\d+)\.\d+$/.exec(grantId)?.[1];
}
