import { randomUUID } from 'node:crypto';
import { GRANT_PROPERTY_KEY, adfToText, serializeRecord } from '../../core';
import { isAppError } from '../app-error';
import { jira } from '../jira/jira-client';
import { moveTicket } from '../jira/move-ticket';
import { logEvent } from '../log';
import { EFFECTS_REPLAY_AFTER_MS, type GrantMeta, type StoredGrant } from '../storage/grant-entity';
import { getGrant, updateGrant } from '../storage/grant-store';
import { loadAppConfig } from '../storage/settings-store';
import type { NewEffect, TicketEffect } from '../storage/ticket-effect';
import type { TicketWritesJob } from '../queue/grant-queue';
import { attachActivityRecord } from './activity-record';
import { ensureReviewTask } from './review-task';
import { noteReviewTask } from './review-task-note';
import { deliverSiemEvent } from './siem-delivery';

/** How long a ticket-write job waits before the platform delivers it again, while its writes are still owed. */
export const TICKET_WRITES_RETRY_SECONDS = 30;

/** How long a ticket-write job waits for an earlier claim's writes to be applied before it asks to be delivered again. */
const WAIT_FOR_EARLIER_MS = 20_000;

/**
 * A ticket-write job (queue consumer): applies the writes its claim recorded, in the outbox's order, so it
 * waits while an earlier claim's writes are still being applied. Returns the seconds after which the
 * platform should deliver it again while any of its writes is still owed (Jira failed, or the wait ran
 * out); undefined when none is. SIEM events owed meanwhile are sent on its first pass only (a webhook that
 * is down is not called again while the job waits; the sweep sends them again), and never make it wait.
 */
export async function applyTicketWrites(job: TicketWritesJob): Promise<number | undefined> {
  const own = new Set(job.writes);
  const waitUntil = Date.now() + WAIT_FOR_EARLIER_MS;
  for (let pass = 0; ; pass += 1) {
    const stored = await getGrant(job.ticket);
    const after = stored && (await applyEffects(stored, own, { siem: pass === 0 }));
    const owed = after?.meta.effects ?? [];
    if (!owed.some((effect) => own.has(effect.id))) return undefined;
    const first = owed.find((effect) => effect.kind !== 'siem');
    // Its own write failed, or the earlier claim's writer gave up on one for now: no point waiting.
    if (!first || own.has(first.id) || first.stalled || Date.now() > waitUntil) return TICKET_WRITES_RETRY_SECONDS;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Effects to store with a step, each with its own id. */
export function newEffects(effects: readonly NewEffect[], at: Date): TicketEffect[] {
  return effects.map((effect) => ({ ...effect, id: randomUUID(), at: at.toISOString() }));
}

/**
 * Applies the ticket writes a grant owes, in order, each once in outcome: an effect is marked attempted
 * before its call and removed when done. A replay of an attempted effect first checks whether it reached
 * Jira (a move the workflow no longer offers from the current status was made; a comment already on the
 * ticket was posted; a file or a review note already there was added; a review task carrying the request's property was created). A ticket-write job applies the
 * effects its claim recorded (`own`) and those whose writer had its chance (EFFECTS_REPLAY_AFTER_MS),
 * never another live writer's: the ticket writes stop at the first it may not take, so their order holds.
 * The first failure stops them too and marks the effect stalled; what is left stays with the grant, and
 * the sweep replays it. SIEM events are a queue of their own in the same list (unless `siem` is false): in
 * order, sent again on a replay (they carry their id), taken whoever wrote them, and neither queue holds
 * the other back. Returns the grant as stored afterwards; never throws for a Jira or webhook failure.
 */
export async function applyEffects(stored: StoredGrant, own: ReadonlySet<string>, options: { siem?: boolean } = {}): Promise<StoredGrant> {
  let current = stored;
  const held = { ticket: false, siem: options.siem === false };
  for (const effect of stored.meta.effects) {
    const queue = effect.kind === 'siem' ? 'siem' : 'ticket';
    if (held[queue]) continue;
    if (queue === 'ticket' && !own.has(effect.id) && Date.parse(effect.at) + EFFECTS_REPLAY_AFTER_MS > Date.now()) {
      held.ticket = true;
      continue;
    }
    const marked = queue === 'siem' ? current : await rewrite(current, (effects) => effects.map((candidate) => (candidate.id === effect.id ? { ...withoutStall(candidate), attempted: true } : candidate)));
    if (!marked || !marked.meta.effects.some((candidate) => candidate.id === effect.id)) return marked ?? current;
    let learned: Partial<GrantMeta> | undefined;
    try {
      learned = await perform(marked, effect);
    } catch (error) {
      logEvent('effects.failed', { ticket: stored.ticket, kind: effect.kind, error: error instanceof Error ? error.message.slice(0, 200) : 'error' });
      held[queue] = true;
      if (queue === 'siem') continue;
      // A workflow that does not offer the move changed nothing, so its replay must not pass for done; after
      // any other failure Jira may have applied the write, and the replay looks before doing it again.
      const attempted = !isAppError(error, 'invalid_state');
      current = (await rewrite(marked, (effects) => effects.map((candidate) => (candidate.id === effect.id ? { ...candidate, attempted, stalled: true as const } : candidate)))) ?? marked;
      continue;
    }
    current = (await rewrite(marked, (effects) => effects.filter((candidate) => candidate.id !== effect.id), learned)) ?? marked;
  }
  return current;
}

/** Makes one write; returns what the grant learns from it (the review task's key). */
async function perform(stored: StoredGrant, effect: TicketEffect): Promise<Partial<GrantMeta> | undefined> {
  const ticket = stored.ticket;
  switch (effect.kind) {
    case 'move':
      try {
        await moveTicket(ticket, effect.move);
      } catch (error) {
        // Tried before and no longer offered: the earlier try moved the ticket.
        if (!(effect.attempted && isAppError(error, 'invalid_state'))) throw error;
      }
      return;
    case 'comment':
      if (effect.attempted && (await jira.listComments(ticket)).some((text) => text === adfToText(effect.body))) return;
      await jira.addComment(ticket, effect.body, effect.visibility);
      return;
    case 'property':
      await jira.setProperty(ticket, GRANT_PROPERTY_KEY, serializeRecord(stored.record));
      return;
    case 'link':
      await jira.linkIssues(ticket, effect.to, effect.linkType);
      return;
    case 'notify':
      // Jira keeps no trace of a notification to check, so a replay may send the email again: better twice than never.
      try {
        await jira.notify(ticket, { subject: effect.subject, textBody: effect.text, groups: [effect.group] });
      } catch (error) {
        // A group missing on the site is refused (400); the internal note said it already, so the email is dropped, not retried for ever.
        if (!(isAppError(error, 'jira_error') && error.context.status === 400)) throw error;
        logEvent('effects.notify-refused', { ticket });
      }
      return;
    case 'attachment':
      await attachActivityRecord(ticket, effect.grantId, effect.attempted === true);
      return;
    case 'review-note':
      await noteReviewTask(ticket, effect, effect.attempted === true);
      return;
    case 'siem':
      await deliverSiemEvent(effect.id, effect.event);
      return;
    case 'review-task':
      return { reviewTask: await ensureReviewTask(stored.record, await loadAppConfig(), effect.attempted === true) };
  }
}

function withoutStall(effect: TicketEffect): TicketEffect {
  const { stalled: _stalled, ...rest } = effect;
  return rest;
}

/** Writes the grant with its effects changed (and what a write taught it), re-reading once if another writer got there first. */
async function rewrite(stored: StoredGrant, change: (effects: TicketEffect[]) => TicketEffect[], learned: Partial<GrantMeta> = {}): Promise<StoredGrant | undefined> {
  for (const attempt of [0, 1]) {
    const base = attempt === 0 ? stored : await getGrant(stored.ticket);
    if (!base) return undefined;
    const written = await updateGrant(base, { ...base, meta: { ...base.meta, ...learned, effects: change(base.meta.effects) } });
    if (written) return written;
  }
  return undefined;
}
