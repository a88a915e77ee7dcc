import { describeDuration, parseDuration } from './duration';
import { isWithinBusinessHours } from './business-hours';
import { readableTime } from './readable-time';
import type { AccessRequest } from './access-request';
import type { RuleConditions } from './policy-schema';
import type { AccessLevel, BusinessHours, Settings, Target } from './settings-schema';
import type { PlannedWindow } from './window';

/** Everything a condition may look at, resolved once per decision. */
export interface PolicyFacts {
  request: AccessRequest;
  settings: Settings;
  now: Date;
  level: AccessLevel;
  target: Target;
  requestedMs: number;
  /** The window as asked for: requested (or planned, or immediate) start plus the requested duration. */
  requestedWindow: { start: Date; end: Date };
  plannedWindow: PlannedWindow | undefined;
}

export type ConditionName = keyof RuleConditions;

export interface ConditionCheck {
  condition: ConditionName;
  passed: boolean;
  reason: string;
}

type Checker<K extends ConditionName> = (expected: NonNullable<RuleConditions[K]>, facts: PolicyFacts) => Omit<ConditionCheck, 'condition'>;

type Checkers = { [K in ConditionName]: Checker<K> };

const checkers: Checkers = {
  accessLevels(ids, { level, settings }) {
    const names = ids.map((id) => settings.accessLevels.find((candidate) => candidate.id === id)?.name ?? id);
    return ids.includes(level.id)
      ? { passed: true, reason: `the access level is ${level.name}` }
      : { passed: false, reason: `the access level is ${level.name}, not ${orList(names)}` };
  },
  environments(environments, { target }) {
    return environments.includes(target.environment)
      ? { passed: true, reason: `the target ${target.id} is in the ${target.environment} environment` }
      : { passed: false, reason: `the target ${target.id} is in the ${target.environment} environment, not ${orList(environments)}` };
  },
  requesterGroups(groups, { request }) {
    const shared = groups.filter((group) => request.requester.groups.includes(group));
    return shared.length
      ? { passed: true, reason: `the requester is in ${shared.length === 1 ? 'the group' : 'the groups'} ${andList(shared)}` }
      : { passed: false, reason: `the requester is not in ${groups.length === 1 ? 'the group' : 'any of the groups'} ${orList(groups)}` };
  },
  businessHours(expected, { now, settings }) {
    const inside = isWithinBusinessHours(now, settings.businessHours);
    const when = `${inside ? 'within' : 'outside'} business hours (${describeBusinessHours(settings.businessHours)})`;
    return { passed: (expected === 'inside') === inside, reason: `the request is decided ${when}` };
  },
  maxDuration(limit, { requestedMs }) {
    const limitMs = parseDuration(limit);
    const asked = describeDuration(requestedMs);
    return requestedMs <= limitMs
      ? { passed: true, reason: `the requested duration (${asked}) is at most ${describeDuration(limitMs)}` }
      : { passed: false, reason: `the requested duration (${asked}) is longer than ${describeDuration(limitMs)}` };
  },
  changeLinked(expected, { request }) {
    const linked = request.change ? `the change ${request.change.key} is linked` : 'no change request is linked';
    return { passed: expected === Boolean(request.change), reason: linked };
  },
  changeApproved(_expected, { request, settings }) {
    const change = request.change;
    if (!change) return { passed: false, reason: 'no change request is linked, so none is approved' };
    return settings.changes.approvedStatuses.includes(change.status)
      ? { passed: true, reason: `the change ${change.key} is approved (status ${change.status})` }
      : { passed: false, reason: `the change ${change.key} is in status ${change.status}, which does not count as approved` };
  },
  withinChangeWindow(_expected, { request, requestedWindow, plannedWindow }) {
    const change = request.change;
    if (!change) return { passed: false, reason: 'no change request is linked, so there is no planned window' };
    if (!plannedWindow) return { passed: false, reason: `the change ${change.key} has no planned start and end` };
    const inside = requestedWindow.start >= plannedWindow.start && requestedWindow.end <= plannedWindow.end;
    const asked = `${readableTime(requestedWindow.start)} to ${readableTime(requestedWindow.end)}`;
    const plan = `${readableTime(plannedWindow.start)} to ${readableTime(plannedWindow.end)}`;
    return {
      passed: inside,
      reason: `the requested window (${asked}) ${inside ? 'lies' : 'does not lie'} inside the planned window of ${change.key} (${plan})`,
    };
  },
  breakGlass(expected, { request }) {
    return {
      passed: expected === request.breakGlass,
      reason: request.breakGlass ? 'this is a break-glass request' : 'this is not a break-glass request',
    };
  },
};

/** Checks every condition the rule sets (not stopping at the first failure, so a trace explains them all). */
export function checkConditions(conditions: RuleConditions, facts: PolicyFacts): ConditionCheck[] {
  return CONDITION_ORDER.flatMap((name) => {
    const check = runChecker(name, conditions, facts);
    return check ? [{ condition: name, ...check }] : [];
  });
}

const CONDITION_ORDER: readonly ConditionName[] = [
  'breakGlass',
  'accessLevels',
  'environments',
  'requesterGroups',
  'businessHours',
  'maxDuration',
  'changeLinked',
  'changeApproved',
  'withinChangeWindow',
];

function runChecker<K extends ConditionName>(
  name: K,
  conditions: RuleConditions,
  facts: PolicyFacts,
): Omit<ConditionCheck, 'condition'> | null {
  const expected = conditions[name];
  const checker: Checker<K> = checkers[name];
  return expected === undefined ? null : checker(expected, facts);
}

const DAY_NAMES = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' } as const;

export function describeBusinessHours(hours: BusinessHours): string {
  return `${hours.days.map((day) => DAY_NAMES[day]).join(', ')} ${hours.start}–${hours.end} ${hours.timeZone}`;
}

export function orList(items: readonly string[]): string {
  return joinList(items, 'or');
}

export function andList(items: readonly string[]): string {
  return joinList(items, 'and');
}

function joinList(items: readonly string[], word: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}
