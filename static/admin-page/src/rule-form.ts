import type { PolicyRule } from '../../../src/core';
import { splitList } from '../../shared/list-text';

/** A policy rule as the editor's fields hold it (text and choices), and the conversions both ways. */
export interface RuleForm {
  id: string;
  name: string;
  enabled: boolean;
  accessLevels: string[];
  environments: string;
  requesterGroups: string;
  businessHours: '' | 'inside' | 'outside';
  maxDuration: string;
  changeLinked: '' | 'yes' | 'no';
  changeApproved: boolean;
  withinChangeWindow: boolean;
  breakGlass: '' | 'yes' | 'no';
  outcome: PolicyRule['then']['type'];
  group: string;
  count: string;
  message: string;
}

const yesNo = (value: boolean | undefined): '' | 'yes' | 'no' => (value === undefined ? '' : value ? 'yes' : 'no');
const fromYesNo = (value: '' | 'yes' | 'no'): boolean | undefined => (value === '' ? undefined : value === 'yes');

export function blankRule(): RuleForm {
  return { id: '', name: '', enabled: true, accessLevels: [], environments: '', requesterGroups: '', businessHours: '', maxDuration: '', changeLinked: '', changeApproved: false, withinChangeWindow: false, breakGlass: '', outcome: 'approval', group: '', count: '1', message: '' };
}

export function toForm(rule: PolicyRule): RuleForm {
  const { when, then } = rule;
  return {
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    accessLevels: when.accessLevels ?? [],
    environments: (when.environments ?? []).join(', '),
    requesterGroups: (when.requesterGroups ?? []).join(', '),
    businessHours: when.businessHours ?? '',
    maxDuration: when.maxDuration ?? '',
    changeLinked: yesNo(when.changeLinked),
    changeApproved: when.changeApproved === true,
    withinChangeWindow: when.withinChangeWindow === true,
    breakGlass: yesNo(when.breakGlass),
    outcome: then.type,
    group: then.type === 'approval' ? then.group : '',
    count: then.type === 'approval' ? String(then.count) : '1',
    message: then.type === 'deny' ? (then.message ?? '') : '',
  };
}

/** The rule the form describes, unvalidated: the caller parses it with policyRuleSchema. */
export function fromForm(form: RuleForm): unknown {
  const when = {
    accessLevels: form.accessLevels.length ? form.accessLevels : undefined,
    environments: splitList(form.environments),
    requesterGroups: splitList(form.requesterGroups),
    businessHours: form.businessHours || undefined,
    maxDuration: form.maxDuration.trim() || undefined,
    changeLinked: fromYesNo(form.changeLinked),
    changeApproved: form.changeApproved || undefined,
    withinChangeWindow: form.withinChangeWindow || undefined,
    breakGlass: fromYesNo(form.breakGlass),
  };
  const then =
    form.outcome === 'approval'
      ? { type: 'approval', group: form.group, count: Number(form.count) }
      : form.outcome === 'deny'
        ? { type: 'deny', ...(form.message.trim() ? { message: form.message.trim() } : {}) }
        : { type: 'auto-approve' };
  return { id: form.id.trim(), name: form.name.trim(), enabled: form.enabled, when: Object.fromEntries(Object.entries(when).filter(([, value]) => value !== undefined)), then };
}

/** Which editor field shows an error at a rule's schema path. */
export function formFieldOf(path: string): keyof RuleForm | 'form' {
  const map: Record<string, keyof RuleForm> = {
    id: 'id',
    name: 'name',
    'when.accessLevels': 'accessLevels',
    'when.environments': 'environments',
    'when.requesterGroups': 'requesterGroups',
    'when.maxDuration': 'maxDuration',
    'then.group': 'group',
    'then.count': 'count',
    'then.message': 'message',
  };
  return map[path] ?? (path.startsWith('when.accessLevels') ? 'accessLevels' : 'form');
}
