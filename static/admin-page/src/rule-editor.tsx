import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import { Fieldset } from '@atlaskit/form';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { useState } from 'react';
import { policyRuleSchema, type PolicyRule, type Settings } from '../../../src/core';
import { validate, type FieldErrors } from '../../shared/field-errors';
import { CheckboxInput, SelectInput, TextInput } from '../../shared/ui/fields';
import { formFieldOf, fromForm, toForm, blankRule, type RuleForm } from './rule-form';

const ANY = { label: 'Any', value: '' };

/** Add or edit one policy rule; validated with the resolvers' rule schema (and the ids the settings know) before it joins the list. */
export function RuleEditor({ rule, settings, takenIds, outerErrors, onDone, onCancel }: { rule: PolicyRule | undefined; settings: Settings; takenIds: string[]; outerErrors: FieldErrors; onDone(rule: PolicyRule): void; onCancel(): void }) {
  const [form, setForm] = useState<RuleForm>(rule ? toForm(rule) : blankRule());
  const [errors, setErrors] = useState<Partial<Record<keyof RuleForm | 'form', string>>>(() => byField(outerErrors));
  const set = <K extends keyof RuleForm>(key: K) => (value: RuleForm[K]) => setForm((current) => ({ ...current, [key]: value }));

  const submit = () => {
    const checked = validate(policyRuleSchema, fromForm(form));
    const found: Partial<Record<keyof RuleForm | 'form', string>> = checked.ok ? {} : byField(checked.errors);
    if (takenIds.includes(form.id.trim())) found.id ??= `duplicate id "${form.id.trim()}"`;
    if (form.outcome === 'approval' && form.group && !settings.approverGroups.some((group) => group.id === form.group)) found.group ??= `unknown approver group "${form.group}"`;
    setErrors(found);
    if (checked.ok && Object.keys(found).length === 0) onDone(checked.data);
  };

  return (
    <form
      aria-label={rule ? `Edit rule ${rule.name}` : 'New rule'}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Box padding="space.200" backgroundColor="color.background.neutral.subtle">
        <Stack space="space.100">
          <Heading size="small" as="h3">
            {rule ? `Edit rule: ${rule.name}` : 'New rule'}
          </Heading>
          {errors.form && (
            <div role="alert">
              <Text color="color.text.danger">{errors.form}</Text>
            </div>
          )}
          <TextInput label="Rule id" value={form.id} onChange={set('id')} error={errors.id} helper="Lower-case letters, digits and dashes." />
          <TextInput label="Rule name" value={form.name} onChange={set('name')} error={errors.name} />
          <CheckboxInput label="Enabled" checked={form.enabled} onChange={set('enabled')} />
          <Fieldset legend="Conditions (all that are set must hold)">
            <Text size="small" color="color.text.subtle">Access levels (none ticked: any level)</Text>
            {settings.accessLevels.map((level) => (
              <CheckboxInput
                key={level.id}
                label={level.name}
                checked={form.accessLevels.includes(level.id)}
                onChange={(checked) => set('accessLevels')(checked ? [...form.accessLevels, level.id] : form.accessLevels.filter((id) => id !== level.id))}
              />
            ))}
            {errors.accessLevels && <Text color="color.text.danger">{errors.accessLevels}</Text>}
            <TextInput label="Environments" value={form.environments} onChange={set('environments')} error={errors.environments} helper="Comma-separated, e.g. prod, staging. Empty: any." />
            <TextInput label="Requester groups" value={form.requesterGroups} onChange={set('requesterGroups')} error={errors.requesterGroups} helper="Jira groups, comma-separated. Empty: anyone." />
            <SelectInput label="Business hours" value={form.businessHours} onChange={(value) => set('businessHours')(value === 'inside' || value === 'outside' ? value : '')} options={[ANY, { label: 'Inside business hours', value: 'inside' }, { label: 'Outside business hours', value: 'outside' }]} />
            <TextInput label="Longest duration" value={form.maxDuration} onChange={set('maxDuration')} error={errors.maxDuration} helper="ISO-8601, e.g. PT4H. Empty: any." />
            <SelectInput label="Break-glass" value={form.breakGlass} onChange={(value) => set('breakGlass')(yesNo(value))} options={[ANY, { label: 'Only break-glass requests', value: 'yes' }, { label: 'Only normal requests', value: 'no' }]} />
            <SelectInput label="Linked change request" value={form.changeLinked} onChange={(value) => set('changeLinked')(yesNo(value))} options={[ANY, { label: 'A change is linked', value: 'yes' }, { label: 'No change is linked', value: 'no' }]} />
            <CheckboxInput label="The linked change is approved" checked={form.changeApproved} onChange={set('changeApproved')} />
            <CheckboxInput label="The requested window lies inside the change's planned window" checked={form.withinChangeWindow} onChange={set('withinChangeWindow')} />
          </Fieldset>
          <Fieldset legend="Outcome">
            <SelectInput
              label="Then"
              value={form.outcome}
              onChange={(value) => set('outcome')(value === 'auto-approve' || value === 'deny' ? value : 'approval')}
              options={[{ label: 'Approve automatically', value: 'auto-approve' }, { label: 'Require approval', value: 'approval' }, { label: 'Deny', value: 'deny' }]}
            />
            {form.outcome === 'approval' && (
              <>
                <SelectInput label="Approver group" value={form.group} onChange={set('group')} error={errors.group} options={settings.approverGroups.map((group) => ({ label: group.name, value: group.id }))} />
                <TextInput label="Approvals needed" type="number" value={form.count} onChange={set('count')} error={errors.count} />
              </>
            )}
            {form.outcome === 'deny' && <TextInput label="Message to the requester" value={form.message} onChange={set('message')} error={errors.message} />}
          </Fieldset>
          <Inline space="space.100">
            <Button type="submit" appearance="primary">
              {rule ? 'Update rule' : 'Add rule'}
            </Button>
            <Button appearance="subtle" onClick={onCancel}>
              Cancel
            </Button>
          </Inline>
        </Stack>
      </Box>
    </form>
  );
}

function yesNo(value: string): '' | 'yes' | 'no' {
  return value === 'yes' || value === 'no' ? value : '';
}

function byField(errors: FieldErrors): Partial<Record<keyof RuleForm | 'form', string>> {
  const found: Partial<Record<keyof RuleForm | 'form', string>> = {};
  for (const [path, message] of Object.entries(errors)) found[formFieldOf(path)] ??= message;
  return found;
}
