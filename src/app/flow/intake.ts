import {
  INVALID_REQUEST,
  accessRequestSchema,
  decide,
  decisionEvent,
  newGrantRecord,
  type Decision,
  type LinkedChange,
  type Settings,
} from '../../core';
import { jira } from '../jira/jira-client';
import type { CustomerRequest } from '../jira/jira-schemas';
import { readRequestForm } from '../portal/read-request-form';
import { planJob, pushGrantJob, pushTicketWritesJob } from '../queue/grant-queue';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';
import { createGrant } from '../storage/grant-store';
import { applyEffects, newEffects } from './apply-effects';
import { applySteps } from './apply-steps';
import { readChange, readRequestFields, requestKind, type RequestFields } from './read-request';
import { approveAndSchedule } from './schedule-grant';

/**
 * A new request of our types: read its fields and linked change, decide by policy, claim the ticket in
 * storage (only one delivery of the event wins), then act on the decision: auto-approve (transition, the
 * rule in an internal comment, grant queued), route to approvers, deny with the reasons in a public
 * comment, or for break-glass queue the grant at once. Returns the stored grant, or undefined when the
 * request is not ours or another invocation claimed it.
 */
export async function intake(request: CustomerRequest, settings: Settings, config: AppConfig): Promise<StoredGrant | undefined> {
  const kind = requestKind(request, settings);
  if (kind === null) return undefined;
  // A REST client names target and level in the text fields; otherwise the portal form's answers (an issue property, one more call) fill in.
  const textFields = readRequestFields(request, config);
  const fields = textFields.target && textFields.accessLevel ? textFields : { ...textFields, ...(await readRequestForm(request.issueKey)) };
  const change = fields.changeKey ? await readChange(fields.changeKey, config) : undefined;
  const requester = request.reporter.accountId;
  const needsGroups = settings.policies.some((rule) => rule.enabled && rule.when.requesterGroups);
  const groups = needsGroups ? await jira.userGroups(requester) : [];
  const now = new Date();
  const breakGlass = kind === 'break-glass';
  // Fail closed: break-glass grants before anyone looks, so without somewhere to alert it is refused.
  const decided = breakGlass && !config.alertWebhookUrl
    ? invalid('Break-glass access is off until an administrator sets an alert destination in the app settings: without one, nobody would be told.')
    : decideRequest(fields, change, { requester, groups, breakGlass }, settings, now);
  // A duration cut to the level's maximum (or the change's planned end) says so wherever the reasons show.
  const decision = decided.window?.cappedBy ? { ...decided, reasons: [...decided.reasons, decided.window.explanation] } : decided;
  const level = settings.accessLevels.find((candidate) => candidate.id === fields.accessLevel);
  const record = newGrantRecord({
    ticket: request.issueKey,
    target: clip(fields.target ?? '-', 40),
    accessLevel: clip(fields.accessLevel ?? '-', 64),
    role: level?.connectorRole ?? '-',
    requesterAccountId: requester,
    breakGlass,
    ...(fields.duration ? { duration: clip(fields.duration, 32) } : {}),
    ...(change ? { changeKey: change.key } : {}),
    at: now,
  });
  const event = decisionEvent(decision, { breakGlass });
  const job = event === 'break-glass' ? planJob(now.getTime()) : undefined;
  // The review task and the link to the change are claimed with the grant itself, its first ticket writes.
  const review = event === 'break-glass' ? newEffects([{ kind: 'review-task' }], now) : [];
  const links = change ? newEffects([{ kind: 'link', to: change.key, linkType: 'Relates' }], now) : [];
  const owed = [...review, ...links];
  const stored: StoredGrant = {
    ticket: request.issueKey,
    createdAt: now.getTime(),
    version: 1,
    record,
    meta: {
      requestTypeId: request.requestTypeId,
      reasons: decision.reasons,
      refusedApprovals: [],
      alertSent: false,
      alertFailures: 0,
      effects: owed,
      ...(request.reporter.emailAddress ? { requesterEmail: request.reporter.emailAddress } : {}),
      ...(request.reporter.displayName ? { requesterName: request.reporter.displayName.slice(0, 255) } : {}),
      ...(fields.justification ? { justification: fields.justification } : {}),
      ...(fields.requestedStart ? { requestedStart: fields.requestedStart } : {}),
      ...(change ? { change } : {}),
      ...(job ? { job } : {}),
      rule: decision.rule,
    },
  };
  if (!(await createGrant(stored))) return undefined;
  // The review task is made here, before the grant job, so the granted record and the alert name it; a Jira
  // failure leaves it owed (the outbox's replay makes it later) and never holds up emergency access.
  const claimed = review.length > 0 ? await applyEffects(stored, new Set(review.map((effect) => effect.id))) : stored;
  if (links.length > 0) await pushTicketWritesJob({ ticket: request.issueKey, writes: links.map((effect) => effect.id) });

  const step = { event, actor: 'app', rule: decision.rule, reasons: decision.reasons } as const;
  switch (event) {
    case 'break-glass':
      if (job) await pushGrantJob(request.issueKey, job);
      return claimed;
    case 'policy-denied':
      return applySteps(stored, settings, [step], { moves: [{ transition: settings.transitions.deny }], ...(config.contact ? { contact: config.contact } : {}) });
    case 'policy-needs-approval': {
      const approval = decision.outcome.type === 'approval' ? { group: decision.outcome.group, count: decision.outcome.count } : undefined;
      const atApproval = request.currentStatus.status.toLowerCase() === settings.statuses.awaitingApproval.toLowerCase();
      return applySteps(stored, settings, [{ ...step, ...(approval ? { set: { approval } } : {}) }], {
        moves: atApproval ? [] : [{ toStatus: settings.statuses.awaitingApproval }],
      });
    }
    default:
      return approveAndSchedule(stored, settings, config, [step], [{ transition: settings.transitions.approve }]);
  }
}

function decideRequest(
  fields: RequestFields,
  change: LinkedChange | undefined,
  who: { requester: string; groups: string[]; breakGlass: boolean },
  settings: Settings,
  now: Date,
): Decision {
  const missing = [!fields.target && 'the target database', !fields.accessLevel && 'the access level'].filter((item): item is string => Boolean(item));
  if (missing.length > 0) return invalid(`The request does not say ${missing.join(' or ')}.`);
  if (fields.changeKey && !change) return invalid(`The change request ${fields.changeKey} was not found.`);
  const parsed = accessRequestSchema.safeParse({
    target: fields.target,
    accessLevel: fields.accessLevel,
    requester: { accountId: who.requester, groups: who.groups },
    ...(fields.duration ? { duration: fields.duration } : {}),
    ...(fields.requestedStart ? { requestedStart: fields.requestedStart } : {}),
    breakGlass: who.breakGlass,
    ...(change ? { change } : {}),
    ...(fields.justification ? { justification: fields.justification } : {}),
  });
  if (!parsed.success) return invalid(`The request is not valid: ${parsed.error.issues.map((issue) => issue.message).join('; ')}.`);
  return decide(parsed.data, settings, now);
}

function invalid(reason: string): Decision {
  return { outcome: { type: 'deny' }, rule: INVALID_REQUEST, reasons: [reason], trace: [] };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}
