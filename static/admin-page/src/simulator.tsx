import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { useState } from 'react';
import { z } from 'zod';
import { contracts, type ResolverResult } from '../../../src/app/resolvers/contracts';
import { ruleOutcomeSchema, type Settings } from '../../../src/core';
import { useServices } from '../../shared/app-context';
import { validate, type FieldErrors } from '../../shared/field-errors';
import { splitList } from '../../shared/list-text';
import { CheckboxInput, SelectInput, TextInput } from '../../shared/ui/fields';
import { ErrorBanner } from '../../shared/ui/messages';
import { useAction } from '../../shared/ui/use-action';

interface SimForm {
  accountId: string;
  groups: string;
  target: string;
  accessLevel: string;
  duration: string;
  breakGlass: boolean;
  at: string;
  changeKey: string;
  changeStatus: string;
  plannedStart: string;
  plannedEnd: string;
}

/** "YYYY-MM-DDTHH:MM" typed as UTC → ISO instant; other text is passed on for the schema to refuse. */
function utc(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(trimmed) ? `${trimmed}:00Z` : trimmed;
}

function payloadOf(form: SimForm): unknown {
  const change = form.changeKey.trim()
    ? { key: form.changeKey.trim(), status: form.changeStatus.trim(), ...(utc(form.plannedStart) ? { plannedStart: utc(form.plannedStart) } : {}), ...(utc(form.plannedEnd) ? { plannedEnd: utc(form.plannedEnd) } : {}) }
    : undefined;
  return {
    request: {
      target: form.target,
      accessLevel: form.accessLevel,
      requester: { accountId: form.accountId.trim(), groups: splitList(form.groups) ?? [] },
      ...(form.duration.trim() ? { duration: form.duration.trim() } : {}),
      breakGlass: form.breakGlass,
      ...(change ? { change } : {}),
    },
    ...(utc(form.at) ? { at: utc(form.at) } : {}),
  };
}

/** Dry run of the saved policy: which rule decides a request, and why, exactly as the live path decides it. */
export function Simulator({ settings, dirty }: { settings: Settings; dirty: boolean }) {
  const { client } = useServices();
  const [form, setForm] = useState<SimForm>({ accountId: 'simulated-requester', groups: '', target: settings.targets[0]?.id ?? '', accessLevel: settings.accessLevels[0]?.id ?? '', duration: '', breakGlass: false, at: '', changeKey: '', changeStatus: '', plannedStart: '', plannedEnd: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = <K extends keyof SimForm>(key: K) => (value: SimForm[K]) => setForm((current) => ({ ...current, [key]: value }));
  const simulate = useAction(async () => {
    const checked = validate(contracts.simulatePolicy.payload, payloadOf(form));
    if (!checked.ok) {
      setErrors(checked.errors);
      return undefined;
    }
    setErrors({});
    return client.call('simulatePolicy', checked.data);
  });

  return (
    <Stack space="space.100">
      <Heading size="medium" as="h2">
        Simulator
      </Heading>
      <Text>Try a request against the saved policy. Nothing is granted.</Text>
      {dirty && (
        <SectionMessage appearance="warning">
          <p>The policy has unsaved changes; the simulator uses the saved policy. Save first to try your changes.</p>
        </SectionMessage>
      )}
      <form
        aria-label="Simulator"
        onSubmit={(event) => {
          event.preventDefault();
          void simulate.run();
        }}
      >
        <Inline space="space.200" shouldWrap>
          <Stack>
            <TextInput label="Requester account id" value={form.accountId} onChange={set('accountId')} error={errors['request.requester.accountId']} />
            <TextInput label="Requester groups" value={form.groups} onChange={set('groups')} helper="Comma-separated Jira groups." />
            <SelectInput label="Target" value={form.target} onChange={set('target')} error={errors['request.target']} options={settings.targets.map((target) => ({ label: `${target.id} (${target.environment})`, value: target.id }))} />
            <SelectInput label="Access level" value={form.accessLevel} onChange={set('accessLevel')} error={errors['request.accessLevel']} options={settings.accessLevels.map((level) => ({ label: level.name, value: level.id }))} />
            <TextInput label="Duration" value={form.duration} onChange={set('duration')} error={errors['request.duration']} helper="ISO-8601, e.g. PT2H. Empty: the level's default." />
            <CheckboxInput label="Break-glass request" checked={form.breakGlass} onChange={set('breakGlass')} />
          </Stack>
          <Stack>
            <TextInput label="Decision time (UTC)" value={form.at} onChange={set('at')} error={errors.at} placeholder="2026-11-23T10:00" helper="Empty: now." />
            <TextInput label="Linked change key" value={form.changeKey} onChange={set('changeKey')} error={errors['request.change.key']} placeholder="CHG-42" />
            <TextInput label="Change status" value={form.changeStatus} onChange={set('changeStatus')} error={errors['request.change.status']} placeholder="Scheduled" />
            <TextInput label="Planned start (UTC)" value={form.plannedStart} onChange={set('plannedStart')} error={errors['request.change.plannedStart']} placeholder="2026-11-23T09:00" />
            <TextInput label="Planned end (UTC)" value={form.plannedEnd} onChange={set('plannedEnd')} error={errors['request.change.plannedEnd']} placeholder="2026-11-23T13:00" />
          </Stack>
        </Inline>
        <Button type="submit" appearance="primary" isLoading={simulate.busy}>
          Simulate
        </Button>
      </form>
      <ErrorBanner error={simulate.error} title="The simulation did not run" />
      {simulate.result && <Verdict result={simulate.result} settings={settings} />}
    </Stack>
  );
}

const outcomeWords = (outcome: z.infer<typeof ruleOutcomeSchema>, settings: Settings) =>
  outcome.type === 'auto-approve' ? 'Approved automatically' : outcome.type === 'deny' ? 'Denied' : `Needs approval by ${outcome.count} of ${settings.approverGroups.find((group) => group.id === outcome.group)?.name ?? outcome.group}`;

function Verdict({ result, settings }: { result: ResolverResult<'simulatePolicy'>; settings: Settings }) {
  const outcome = ruleOutcomeSchema.safeParse(result.outcome);
  const words = outcome.success ? outcomeWords(outcome.data, settings) : 'Unknown outcome';
  return (
    <section aria-label="Verdict" aria-live="polite">
      <Stack space="space.100">
        <Inline space="space.100" alignBlock="center">
          <Lozenge appearance={!outcome.success || outcome.data.type === 'deny' ? 'removed' : outcome.data.type === 'auto-approve' ? 'success' : 'moved'} isBold>
            {words}
          </Lozenge>
          <Text>
            Decided by <strong>{result.rule.name}</strong> ({result.rule.id})
          </Text>
        </Inline>
        <ul aria-label="Reasons">
          {result.reasons.map((reason, index) => (
            <li key={index}>{reason}</li>
          ))}
        </ul>
        {result.window && (
          <Text>
            Access window: {result.window.notBefore} to {result.window.notAfter}. {result.window.explanation}
          </Text>
        )}
      </Stack>
    </section>
  );
}
