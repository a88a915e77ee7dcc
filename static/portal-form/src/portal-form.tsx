import Heading from '@atlaskit/heading';
import { Box, Stack, Text } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import { useEffect, useMemo, useState } from 'react';
import { z } from 'zod';
import { formProblems, REQUEST_FORM_PROPERTY, type FormField, type FormOptions } from '../../../src/app/portal/request-form';
import { usesPlannedWindow } from '../../../src/core';
import { useServices } from '../../shared/app-context';
import { SelectInput, TextAreaInput, TextInput } from '../../shared/ui/fields';
import { ErrorBanner, Loading } from '../../shared/ui/messages';
import { ChangePicker } from './change-picker';
import { durationChoices, emptyDraft, levelLimits, toRequestForm, type Draft } from './form-draft';

const contextSchema = z.looseObject({ extension: z.looseObject({ request: z.looseObject({ typeId: z.union([z.number(), z.string()]) }) }) });

const FIELD_LABELS: Record<FormField, string> = {
  target: 'Database',
  accessLevel: 'Access level',
  duration: 'Duration',
  requestedStart: 'Start',
  changeKey: 'Change request',
  justification: 'Reason',
};

/**
 * The app's part of the portal's create screen (jiraServiceManagement:portalRequestCreatePropertyPanel):
 * asks what the request needs, shows every problem at once, and hands the answers to JSM through
 * `view.submit` after each change, with `isValid` false while anything needs fixing (JSM then keeps the
 * request from being sent). JSM saves the answers as the issue property REQUEST_FORM_PROPERTY.
 */
export function PortalForm({ context }: { context?: unknown }) {
  const { client, bridge } = useServices();
  const typeId = contextSchema.safeParse(context);
  const [options, setOptions] = useState<FormOptions>();
  const [error, setError] = useState<unknown>();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [touched, setTouched] = useState<ReadonlySet<FormField>>(new Set());
  const requestTypeId = typeId.success ? String(typeId.data.extension.request.typeId) : undefined;

  useEffect(() => {
    if (requestTypeId === undefined) return;
    client
      .call('requestForm', { requestTypeId })
      .then(setOptions)
      .catch((failure: unknown) => setError(failure));
  }, [client, requestTypeId]);

  const form = useMemo(() => toRequestForm(draft), [draft]);
  const problems = useMemo(() => (options?.kind ? formProblems(form, options, new Date()) : {}), [form, options]);
  const problemList = Object.entries(problems) as [FormField, string][];
  const valid = problemList.length === 0;

  useEffect(() => {
    if (!options) return;
    // Not one of the app's request types: nothing to add, nothing to hold the request back for.
    const fields = options.kind ? [{ key: REQUEST_FORM_PROPERTY, value: form }] : [];
    void bridge.submit({ fields, isValid: options.kind ? valid : true }).catch((failure: unknown) => setError(failure));
  }, [bridge, form, options, valid]);

  if (requestTypeId === undefined) return <p role="alert">This panel belongs on the portal&apos;s create request screen.</p>;
  if (error !== undefined) return <ErrorBanner error={error} title="The access form could not be loaded" />;
  if (!options) return <Loading label="Loading the access form" />;
  if (!options.kind) return null;

  const level = options.levels.find((candidate) => candidate.id === draft.accessLevel);
  const set = (field: FormField, patch: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    setTouched((current) => new Set(current).add(field));
  };
  const shown = (field: FormField) => (touched.has(field) ? problems[field] : undefined);
  const breakGlass = options.kind === 'break-glass';

  return (
    <Box padding="space.100">
      <Stack space="space.150">
        <Heading size="small" as="h2">
          {breakGlass ? 'Emergency (break-glass) database access' : 'Database access'}
        </Heading>
        {breakGlass && (
          <div data-testid="break-glass-warning">
            <SectionMessage appearance="warning" title="Break-glass starts access at once, without approval">
              <Text as="p">Use it only when an incident cannot wait for an approver. The moment you send this request:</Text>
              <ul>
                <li>an alert goes to the security channel with your name, the database and your reason;</li>
                <li>a review task is opened, and your access is reviewed after the incident;</li>
                <li>everything you do is recorded on this ticket.</li>
              </ul>
            </SectionMessage>
          </div>
        )}
        <SelectInput
          label="Database"
          value={draft.target}
          options={options.targets.map((target) => ({ value: target.id, label: `${target.id} — ${target.environment} (${target.engine})` }))}
          error={shown('target')}
          helper="Each database shows its environment: production databases usually need an approver."
          onChange={(target) => set('target', { target })}
        />
        <SelectInput
          label="Access level"
          value={draft.accessLevel}
          options={options.levels.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
          error={shown('accessLevel')}
          {...(level ? { helper: `${level.description} ${levelLimits(level)}.${level.boundToWindow ? ' Access stays within the linked change’s planned window.' : ''}` } : {})}
          onChange={(accessLevel) => set('accessLevel', { accessLevel, duration: '' })}
        />
        {level && (
          <SelectInput
            label="Duration"
            value={draft.duration}
            options={durationChoices(level)}
            error={shown('duration')}
            helper={`Counted from when access starts; ${level.name} lasts at most ${levelLimits(level).split('at most ')[1] ?? level.maxDuration}.`}
            onChange={(duration) => set('duration', { duration })}
          />
        )}
        {!breakGlass && (
          <TextInput
            label="Start (optional)"
            type="datetime-local"
            value={draft.start}
            error={shown('requestedStart')}
            helper={`Leave empty to start as soon as access is approved. Your time zone: ${Intl.DateTimeFormat().resolvedOptions().timeZone}.`}
            onChange={(start) => set('requestedStart', { start })}
          />
        )}
        <ChangePicker value={draft.changeKey} required={level ? usesPlannedWindow(level) : false} error={shown('changeKey')} onChange={(changeKey) => set('changeKey', { changeKey })} />
        <TextAreaInput
          label="Reason"
          value={draft.justification}
          rows={3}
          error={shown('justification')}
          helper="What you will do and why (an incident or ticket number helps the approver)."
          onChange={(justification) => set('justification', { justification })}
        />
        {!valid && (
          <div role="status" data-testid="form-problems">
            <SectionMessage appearance="information" title={`Before you send: ${problemList.length === 1 ? '1 thing needs' : `${problemList.length} things need`} attention`}>
              <ul>
                {problemList.map(([field, message]) => (
                  <li key={field}>{`${FIELD_LABELS[field]}: ${message}`}</li>
                ))}
              </ul>
            </SectionMessage>
          </div>
        )}
        {options.contact && <Text as="p">{`Questions about access? Ask ${options.contact}.`}</Text>}
      </Stack>
    </Box>
  );
}
