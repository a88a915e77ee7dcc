import { describeDuration, parseDuration } from './duration';
import { andList, describeBusinessHours, orList } from './policy-conditions';
import type { PolicyRule, RuleConditions, RuleOutcome } from './policy-schema';
import type { Settings } from './settings-schema';

/** A rule in plain words for the admin page: "If …, then …." Names come from settings where known. */
export function describeRule(rule: PolicyRule, settings: Settings): string {
  const conditions = describeConditions(rule.when, settings);
  const then = describeOutcome(rule.then, settings);
  const sentence = conditions.length ? `If ${andList(conditions)}, then ${then}.` : `Always ${then}.`;
  return rule.enabled ? sentence : `(Disabled) ${sentence}`;
}

function describeConditions(when: RuleConditions, settings: Settings): string[] {
  const parts: string[] = [];
  if (when.breakGlass !== undefined) parts.push(when.breakGlass ? 'it is a break-glass request' : 'it is not a break-glass request');
  if (when.accessLevels) {
    const names = when.accessLevels.map((id) => settings.accessLevels.find((level) => level.id === id)?.name ?? id);
    parts.push(`the access level is ${orList(names)}`);
  }
  if (when.environments) parts.push(`the target is in the ${orList(when.environments)} environment`);
  if (when.requesterGroups) parts.push(`the requester is in the group ${orList(when.requesterGroups)}`);
  if (when.businessHours) {
    parts.push(`it is ${when.businessHours === 'inside' ? 'within' : 'outside'} business hours (${describeBusinessHours(settings.businessHours)})`);
  }
  if (when.maxDuration) parts.push(`the requested duration is at most ${describeDuration(parseDuration(when.maxDuration))}`);
  if (when.changeLinked !== undefined) parts.push(when.changeLinked ? 'a change request is linked' : 'no change request is linked');
  if (when.changeApproved) parts.push('the linked change is approved');
  if (when.withinChangeWindow) parts.push("the requested window lies inside the change's planned window");
  return parts;
}

function describeOutcome(outcome: RuleOutcome, settings: Settings): string {
  switch (outcome.type) {
    case 'auto-approve':
      return 'approve automatically';
    case 'approval': {
      const group = settings.approverGroups.find((candidate) => candidate.id === outcome.group)?.name ?? outcome.group;
      return `require approval by ${outcome.count} ${outcome.count === 1 ? 'member' : 'members'} of ${group}`;
    }
    case 'deny':
      return outcome.message ? `deny ("${outcome.message}")` : 'deny';
  }
}
