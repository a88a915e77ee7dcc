import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import { Stack, Text } from '@atlaskit/primitives';
import { useState } from 'react';
import { appConfigSchema, type AppConfig } from '../../../src/app/storage/app-config';
import { validate, type FieldErrors } from '../../shared/field-errors';
import { splitList } from '../../shared/list-text';
import { TextInput } from '../../shared/ui/fields';
import { ErrorBanner, SuccessBanner } from '../../shared/ui/messages';
import { useAction } from '../../shared/ui/use-action';
import type { SettingsDraft } from './settings-draft';

interface OptionsForm {
  alertWebhookUrl: string;
  siemWebhookUrl: string;
  adminGroups: string;
  agentGroups: string;
  warnBeforeMinutes: string;
  maxGrantAttempts: string;
  contact: string;
}

function toForm(config: AppConfig): OptionsForm {
  return {
    alertWebhookUrl: config.alertWebhookUrl ?? '',
    siemWebhookUrl: config.siemWebhookUrl ?? '',
    adminGroups: config.adminGroups.join(', '),
    agentGroups: config.agentGroups.join(', '),
    warnBeforeMinutes: String(config.warnBeforeMinutes),
    maxGrantAttempts: String(config.maxGrantAttempts),
    contact: config.contact ?? '',
  };
}

/** The form as an app config, for the resolvers' own schema to judge (an empty webhook is none; numbers as typed). */
function fromOptionsForm(form: OptionsForm, config: AppConfig): unknown {
  const { alertWebhookUrl: _previous, siemWebhookUrl: _previousSiem, contact: _contact, ...rest } = config;
  const webhook = form.alertWebhookUrl.trim();
  const siem = form.siemWebhookUrl.trim();
  const contact = form.contact.trim();
  const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  return {
    ...rest,
    ...(webhook ? { alertWebhookUrl: webhook } : {}),
    ...(siem ? { siemWebhookUrl: siem } : {}),
    ...(contact ? { contact } : {}),
    adminGroups: splitList(form.adminGroups) ?? [],
    agentGroups: splitList(form.agentGroups) ?? [],
    warnBeforeMinutes: number(form.warnBeforeMinutes),
    maxGrantAttempts: number(form.maxGrantAttempts),
  };
}

const LABELS: Record<keyof OptionsForm, string> = {
  alertWebhookUrl: 'Break-glass alert webhook',
  siemWebhookUrl: 'SIEM webhook',
  adminGroups: 'Admin groups',
  agentGroups: 'Agent groups',
  warnBeforeMinutes: 'Warn before the end (minutes)',
  maxGrantAttempts: 'Maximum grant attempts',
  contact: 'Contact for requesters',
};

/** The app's own options (alerting, the SIEM feed, who counts as admin or agent, warnings, retries), checked with the app-config schema. */
export function AppOptions({ draft }: { draft: SettingsDraft }) {
  const [form, setForm] = useState<OptionsForm>(() => toForm(draft.appConfig));
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (key: keyof OptionsForm) => (value: string) => setForm((current) => ({ ...current, [key]: value }));
  const save = useAction(async (): Promise<boolean> => {
    const checked = validate(appConfigSchema, fromOptionsForm(form, draft.appConfig));
    if (!checked.ok) {
      setErrors(checked.errors);
      return false;
    }
    setErrors({});
    await draft.saveAppConfig(checked.data);
    setForm(toForm(checked.data));
    return true;
  });
  const field = (key: keyof OptionsForm, extra: { helper?: string; type?: 'number' } = {}) => (
    <TextInput label={LABELS[key]} value={form[key]} onChange={set(key)} error={errors[key]} {...extra} />
  );
  return (
    <Stack space="space.100">
      <Heading size="medium" as="h2">
        App options
      </Heading>
      <form
        aria-label="App options"
        onSubmit={(event) => {
          event.preventDefault();
          void save.run();
        }}
      >
        {field('alertWebhookUrl', { helper: 'Receives a JSON alert for every break-glass grant (chat or SIEM). Its address must be in the manifest egress. Empty: no webhook.' })}
        {field('siemWebhookUrl', { helper: 'Receives every lifecycle event and every activity digest as JSON, retried until it answers 2xx. Its address must be in the manifest egress. Empty: none.' })}
        {field('adminGroups', { helper: 'Comma-separated Jira groups whose members use this page and retry grants.' })}
        {field('agentGroups', { helper: 'Comma-separated Jira groups whose members see every request panel and may revoke.' })}
        {field('warnBeforeMinutes', { type: 'number', helper: 'The requester is warned this long before access ends (1 to 240).' })}
        {field('maxGrantAttempts', { type: 'number', helper: 'Attempts before a grant is marked failed (1 to 10).' })}
        {field('contact', { helper: 'Whom requesters ask about access: a group, a person or a page. Shown on the portal form and in the access panel. Empty: none.' })}
        <Button type="submit" appearance="primary" isLoading={save.busy}>
          Save app options
        </Button>
      </form>
      {Object.keys(errors).length > 0 && <Text color="color.text.danger">Some fields need attention.</Text>}
      {save.result === true && <SuccessBanner>The app options were saved.</SuccessBanner>}
      <ErrorBanner error={save.error} title="The app options were not saved" />
    </Stack>
  );
}
