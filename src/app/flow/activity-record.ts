import { gzipSync } from 'node:zlib';
import type { ActivityDigest, ActivityStatement, ConnectorClient } from '../../protocol';
import { connectorClient } from '../connector/connector-access';
import { jira } from '../jira/jira-client';
import type { Attachment } from '../jira/jira-schemas';
import type { StoredGrant } from '../storage/grant-entity';
import { loadSettings } from '../storage/settings-store';
import type { NewEffect } from '../storage/ticket-effect';

/** A record at least this large (in bytes of JSON lines) is attached gzip-compressed. */
export const GZIP_FROM_BYTES = 64 * 1024;

const fileName = (grantId: string) => `database-activity-${grantId}.jsonl`;

/**
 * The ticket writes a gateway grant's end owes besides its digest comment: its whole activity record as a
 * file, for a break-glass grant a note on its review task with the digest and a link to that file, and the
 * digest for the SIEM webhook (dropped when it is delivered if no webhook is set).
 */
export function activityRecordEffects(stored: StoredGrant, grantId: string, digest: ActivityDigest): NewEffect[] {
  const task = stored.record.reviewTask ?? stored.meta.reviewTask;
  return [
    // A grant under which nothing was run has no record to attach; its digest says so.
    ...(digest.statements > 0 ? [{ kind: 'attachment' as const, grantId }] : []),
    ...(stored.record.breakGlass && task ? [{ kind: 'review-note' as const, task, grantId, digest }] : []),
    { kind: 'siem', event: { type: 'jit-access.activity', ticket: stored.ticket, grantId, digest } },
  ];
}

/**
 * The record as a file: one statement a line (JSON lines), as the connector keeps it (literals replaced by
 * `$n` unless the target records in full; no secret is ever in it), gzip-compressed from GZIP_FROM_BYTES.
 */
export function activityRecordFile(grantId: string, statements: readonly ActivityStatement[]): { name: string; type: string; bytes: Uint8Array } {
  const bytes = Buffer.from(statements.map((statement) => `${JSON.stringify(statement)}\n`).join(''), 'utf8');
  if (bytes.byteLength < GZIP_FROM_BYTES) return { name: fileName(grantId), type: 'application/x-ndjson', bytes };
  return { name: `${fileName(grantId)}.gz`, type: 'application/gzip', bytes: gzipSync(bytes) };
}

/** The file of a grant's record on the ticket, when it is there. */
export async function attachedRecord(ticket: string, grantId: string): Promise<Attachment | undefined> {
  const name = fileName(grantId);
  return (await jira.listAttachments(ticket)).find((attachment) => attachment.filename === name || attachment.filename === `${name}.gz`);
}

/**
 * Attaches a grant's whole record, read page by page from the connector once access has ended (the gateway
 * closed the grant's sessions first, so the record no longer grows). A replay first looks for the file.
 */
export async function attachActivityRecord(ticket: string, grantId: string, replay: boolean): Promise<void> {
  if (replay && (await attachedRecord(ticket, grantId)) !== undefined) return;
  const client = await connectorClient((await loadSettings()).connectorUrl);
  await jira.addAttachment(ticket, activityRecordFile(grantId, await readRecord(client, grantId)));
}

async function readRecord(client: ConnectorClient, grantId: string): Promise<ActivityStatement[]> {
  const statements: ActivityStatement[] = [];
  let next: string | null = null;
  do {
    const page = await client.activityPage(grantId, next);
    statements.push(...page.statements);
    next = page.next;
  } while (next !== null);
  return statements;
}
