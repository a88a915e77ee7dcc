import { addMilliseconds } from 'date-fns';
import { checkConditions, type ConditionCheck, type PolicyFacts } from './policy-conditions';
import { computeWindow, plannedWindowOf, type WindowResult } from './window';
import type { AccessRequest } from './access-request';
import type { RuleOutcome } from './policy-schema';
import type { Settings } from './settings-schema';

export interface RuleRef {
  id: string;
  name: string;
}

export const DEFAULT_DENY: RuleRef = { id: 'default-deny', name: 'Default deny' };
export const INVALID_REQUEST: RuleRef = { id: 'invalid-request', name: 'Request cannot be granted as asked' };

export interface RuleTrace {
  rule: RuleRef;
  enabled: boolean;
  matched: boolean;
  checks: ConditionCheck[];
}

export interface Decision {
  outcome: RuleOutcome;
  /** The rule that decided: a configured rule, DEFAULT_DENY or INVALID_REQUEST. */
  rule: RuleRef;
  /** Plain-words reasons, for comments and the simulator. */
  reasons: string[];
  /** Every rule looked at, in order, up to and including the one that matched. */
  trace: RuleTrace[];
  /** The window access would get if it started at `now` (absent when the request is invalid). */
  window?: Extract<WindowResult, { ok: true }>;
}

/**
 * The policy decision for a request at `now`: ordered rules, first match wins, deny by default. Pure,
 * so the admin page's dry-run simulator calls exactly what the live path calls. A request that cannot
 * be granted as asked (unknown target, bad duration, no planned window…) is denied with the reason.
 */
export function decide(request: AccessRequest, settings: Settings, now: Date): Decision {
  const facts = resolveFacts(request, settings, now);
  if (!facts.ok) return { outcome: { type: 'deny' }, rule: INVALID_REQUEST, reasons: [facts.reason], trace: [] };

  const trace: RuleTrace[] = [];
  for (const rule of settings.policies) {
    const ref = { id: rule.id, name: rule.name };
    if (!rule.enabled) {
      trace.push({ rule: ref, enabled: false, matched: false, checks: [] });
      continue;
    }
    const checks = checkConditions(rule.when, facts.facts);
    const matched = checks.every((check) => check.passed);
    trace.push({ rule: ref, enabled: true, matched, checks });
    if (matched) {
      const reasons = checks.length ? checks.map((check) => check.reason) : ['the rule has no conditions, so it matches every request'];
      if (rule.then.type === 'deny' && rule.then.message) reasons.push(rule.then.message);
      return { outcome: rule.then, rule: ref, reasons, trace, window: facts.window };
    }
  }
  const reasons = trace
    .filter((entry) => entry.enabled)
    .map((entry) => `"${entry.rule.name}" did not match: ${entry.checks.filter((check) => !check.passed).map((check) => check.reason).join('; ')}`);
  reasons.push('No rule matched, so the request is denied by default.');
  return { outcome: { type: 'deny' }, rule: DEFAULT_DENY, reasons, trace, window: facts.window };
}

type Resolved =
  | { ok: true; facts: PolicyFacts; window: Extract<WindowResult, { ok: true }> }
  | { ok: false; reason: string };

function resolveFacts(request: AccessRequest, settings: Settings, now: Date): Resolved {
  const level = settings.accessLevels.find((candidate) => candidate.id === request.accessLevel);
  if (!level) return { ok: false, reason: `There is no access level "${request.accessLevel}".` };
  const target = settings.targets.find((candidate) => candidate.id === request.target);
  if (!target) return { ok: false, reason: `There is no database target "${request.target}".` };
  if (!target.roles.includes(level.connectorRole)) {
    return { ok: false, reason: `The target ${target.id} does not offer ${level.name} (connector role ${level.connectorRole}).` };
  }
  if (request.breakGlass && !level.breakGlass) return { ok: false, reason: `${level.name} cannot be used for break-glass access.` };
  if (level.requiresChange && !request.change) return { ok: false, reason: `${level.name} needs a linked change request.` };

  const plannedWindow = plannedWindowOf(request.change);
  const requestedStart = request.requestedStart ? new Date(request.requestedStart) : undefined;
  const window = computeWindow({ now, accessLevel: level, requestedDuration: request.duration, requestedStart, plannedWindow });
  if (!window.ok) return { ok: false, reason: window.reason };

  // The window as asked for, before caps, so "inside the change window" judges what the requester asked.
  const requestedWindow = { start: window.notBefore, end: addMilliseconds(window.notBefore, window.requestedMs) };
  const facts: PolicyFacts = { request, settings, now, level, target, requestedMs: window.requestedMs, requestedWindow, plannedWindow };
  return { ok: true, facts, window };
}
