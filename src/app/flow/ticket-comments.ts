import { adfDoc, assertNoSecrets, auditEntry, code, internalComment, publicComment, type AdfDoc, type AuditEntry, type GrantRecord, type Settings } from '../../core';

export interface TicketComments {
  internal: AdfDoc;
  public: AdfDoc | null;
}

/**
 * The comments of the record's latest transition, as core renders them, with what only the app knows:
 * the actor's display name when the app already read it (the requester from the request, an approver
 * from the approval), and for an embedded target (PGlite, the connector's zero-config demo, or port 0), which no
 * database client reaches, that instead of a host and port. `contact` is the app's configured contact,
 * named in the requester's comment where it tells them whom to ask.
 */
export function ticketComments(record: GrantRecord, settings: Settings, reasons: readonly string[], actorName?: string, contact?: string): TicketComments {
  const entry = auditEntry(record, settings, reasons);
  const internal = internalComment(actorName ? { ...entry, actor: `${actorName} (${entry.actor})` } : entry);
  const granted = entry.event === 'grant-succeeded' || entry.event === 'break-glass';
  if (!granted || !isEmbedded(record, settings)) return { internal, public: publicComment(entry, contact) };
  return { internal, public: embeddedGranted(entry, contact) };
}

export function isEmbedded(record: Pick<GrantRecord, 'target' | 'connect'>, settings: Settings): boolean {
  return record.connect?.port === 0 || settings.targets.find((target) => target.id === record.target)?.engine === 'pglite';
}

function embeddedGranted(entry: AuditEntry, contact: string | undefined): AdfDoc | null {
  const { connect: _connect, ...withoutConnect } = entry;
  const granted = publicComment(withoutConnect, contact);
  if (!granted || !entry.username) return granted;
  const database = entry.connect?.database;
  const howTo = adfDoc([
    ['The embedded demo database', ...(database ? [' ', code(database)] : []), ' on target ', code(entry.target), ' has no network address: no database client reaches it (login ', code(entry.username), ').'],
  ]);
  const doc: AdfDoc = { ...granted, content: [...granted.content, ...howTo.content] };
  assertNoSecrets(doc);
  return doc;
}
