import { randomUUID } from 'node:crypto';
import { nextStep, type AdfDoc, type GrantEffect, type GrantEvent, type GrantFacts, type NextStep, type Settings, type StepSettings } from '../../core';
import { moveTicket } from '../jira/move-ticket';
import { pushGrantJob } from '../queue/grant-queue';
import type { AppConfig } from '../storage/app-config';
import { alertOwed, type GrantMeta, type StoredGrant } from '../storage/grant-entity';
import type { NewEffect } from '../storage/ticket-effect';
import { applyEffects } from './apply-effects';
import { applySteps } from './apply-steps';
import { deliverAlert } from './break-glass-alert';

/** What `nextStep` needs of a stored grant. */
export function factsOf({ record, meta }: StoredGrant): GrantFacts {
  return {
    record,
    ...(meta.job ? { job: meta.job } : {}),
    ...(meta.requestedStart ? { requestedStart: meta.requestedStart } : {}),
    ...(meta.change ? { change: meta.change } : {}),
    ...(meta.rule ? { rule: meta.rule } : {}),
    reasons: meta.reasons,
    ...(meta.reviewTask ? { reviewTask: meta.reviewTask } : {}),
    ...(meta.warnAt ? { warnAt: meta.warnAt } : {}),
    ...(meta.revokeRequested ? { revokeRequested: meta.revokeRequested } : {}),
    ...(meta.pendingExtension ? { pendingExtension: meta.pendingExtension } : {}),
    alertOwed: alertOwed({ record, meta }),
    ticketWritesOwed: ticketWritesOwed(meta),
    ticketDeleted: meta.ticketDeleted !== undefined,
  };
}

/** Writes to the ticket still owed; SIEM events are a queue of their own that holds no step back. */
export function ticketWritesOwed(meta: GrantMeta): boolean {
  return meta.effects.some((effect) => effect.kind !== 'siem');
}

export function stepSettings(settings: Settings, config: AppConfig): StepSettings {
  return { settings, warnBeforeMinutes: config.warnBeforeMinutes, maxGrantAttempts: config.maxGrantAttempts };
}

type HandedBack = Extract<GrantEffect, { kind: 'create-access' | 'extend-access' | 'revoke-access' | 'confirm-end' | 'check-approval' }>;

export interface AppliedStep {
  /** The grant as stored afterwards; undefined when another writer moved it on first (the step did nothing). */
  stored: StoredGrant | undefined;
  /** The platform should deliver the job again after this many seconds. */
  retryAfterSeconds?: number;
  /** Calls to the connector (and the approvals to count) the step asks for, for the caller to make. */
  connector: HandedBack[];
}

/** What the app adds to a decision's writes: values never to be written, and the activity record of access that ended. */
export interface StepExtras {
  secrets?: readonly string[];
  internalExtra?: AdfDoc;
  after?: readonly NewEffect[];
  meta?: Partial<GrantMeta>;
}

const TICKET_WRITES = new Set<GrantEffect['kind']>(['move', 'step-comments', 'comment', 'property']);

/**
 * Applies what `nextStep` decided: the steps, the record, the job and the warning are stored with the ticket
 * writes they owe in one write conditioned on the version read (`applySteps`, the outbox), which hands
 * those writes to the queue consumer; then the rest in order: the job is sent, the alert delivered, owed writes replayed.
 * A move the event depends on is made before the claim; connector calls and counting approvals are handed
 * back to the caller. A refused decision is not applied, and of a forbidden one only its note (the caller reports either).
 */
export async function applyNext(stored: StoredGrant, next: NextStep, settings: Settings, config: AppConfig, extras: StepExtras = {}): Promise<AppliedStep> {
  const applied: AppliedStep = { stored, connector: [] };
  if (next.refused !== undefined) return applied;
  // A move the event depends on is made first: when the workflow refuses it, nothing was stored.
  for (const effect of next.effects) if (effect.kind === 'move-first') await moveTicket(stored.ticket, effect.move);
  const writes = next.effects.filter((effect) => TICKET_WRITES.has(effect.kind));
  const changes =
    next.steps.length > 0 || next.record !== stored.record || next.job !== 'keep' || next.warnAt !== undefined || next.pendingExtension !== undefined || next.revokeRequested !== undefined || writes.length > 0;
  if (changes || next.effects.some((effect) => effect.kind === 'refile')) {
    const meta: Partial<GrantMeta> = {
      ...extras.meta,
      ...(next.job === 'keep' ? {} : { job: next.job === 'clear' ? undefined : { token: next.job.token ?? randomUUID(), deliverAt: next.job.deliverAt } }),
      ...(next.warnAt ? { warnAt: next.warnAt.at } : {}),
      ...(next.pendingExtension ? { pendingExtension: next.pendingExtension.to } : {}),
      ...(next.revokeRequested ? { revokeRequested: next.revokeRequested.to } : {}),
    };
    const stepComments = writes.find((effect) => effect.kind === 'step-comments');
    // Steps make the record again from the stored one; a record changed without a step (an attempt counted) is stored as decided.
    const base = next.steps.length > 0 ? stored : { ...stored, record: next.record };
    applied.stored = await applySteps(base, settings, next.steps, {
      moves: writes.flatMap((effect) => (effect.kind === 'move' ? [effect.move] : [])),
      comments: stepComments !== undefined,
      publicComment: stepComments?.public ?? false,
      deferInternalComment: stepComments?.defer === true,
      ...(stepComments?.publicExtra ? { publicExtra: stepComments.publicExtra } : {}),
      notes: writes.flatMap((effect) => (effect.kind === 'comment' ? [{ visibility: effect.visibility, body: effect.body }] : [])),
      property: writes.some((effect) => effect.kind === 'property'),
      meta,
      ...(extras.internalExtra ? { internalExtra: extras.internalExtra } : {}),
      ...(extras.after ? { after: extras.after } : {}),
      secrets: extras.secrets ?? [],
      ...(config.contact ? { contact: config.contact } : {}),
    });
    if (!applied.stored) return applied;
  }
  for (const effect of next.effects) {
    const current: StoredGrant | undefined = applied.stored;
    if (!current) return applied;
    switch (effect.kind) {
      case 'queue-job':
        if (current.meta.job) await pushGrantJob(current.ticket, current.meta.job);
        break;
      case 'retry-job':
        applied.retryAfterSeconds = effect.afterSeconds;
        break;
      case 'deliver-alert':
        if (alertOwed(current)) applied.stored = await deliverAlert(current, config);
        break;
      case 'replay-ticket-writes':
        applied.stored = await applyEffects(current, new Set());
        break;
      case 'create-access':
      case 'extend-access':
      case 'revoke-access':
      case 'confirm-end':
      case 'check-approval':
        applied.connector.push(effect);
        break;
      default:
        break;
    }
  }
  return applied;
}

/**
 * An event the app's own work produced (the connector's answer), decided by `nextStep` and applied with what
 * the app read; undefined when the event is refused as the grant now stands or another writer moved it on.
 */
export async function decideAndApply(stored: StoredGrant, event: GrantEvent, settings: Settings, config: AppConfig, extras: StepExtras = {}): Promise<StoredGrant | undefined> {
  const next = nextStep(factsOf(stored), event, stepSettings(settings, config), new Date());
  if (next.refused !== undefined) return undefined;
  return (await applyNext(stored, next, settings, config, extras)).stored;
}
