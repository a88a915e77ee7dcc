import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { useEffect, useState } from 'react';
import { contracts, type ResolverResult } from '../../../src/app/resolvers/contracts';
import { statusNamesSchema, transitionNamesSchema, type StatusNames, type TransitionNames } from '../../../src/core';
import { useServices } from '../../shared/app-context';
import { errorsUnder, validate, type FieldErrors } from '../../shared/field-errors';
import { splitList } from '../../shared/list-text';
import { SelectInput, TextInput } from '../../shared/ui/fields';
import { ErrorBanner } from '../../shared/ui/messages';
import { useAction } from '../../shared/ui/use-action';
import { AppOptions } from './app-options';
import { SaveBar } from './save-bar';
import type { SettingsDraft } from './settings-draft';
import type { TabId } from './tabs';

const STATUS_FIELDS: ReadonlyArray<readonly [Exclude<keyof StatusNames, 'endAccess'>, string]> = Object.entries({
  awaitingApproval: 'Waiting for approval',
  approved: 'Approved',
  granted: 'Access granted',
  expired: 'Access expired',
  revoked: 'Access revoked',
  denied: 'Denied',
  declined: 'Declined',
  failed: 'Access failed',
} satisfies Record<Exclude<keyof StatusNames, 'endAccess'>, string>).flatMap(([key, label]) => (isStatusKey(key) ? [[key, label] as const] : []));
const TRANSITION_FIELDS: ReadonlyArray<readonly [keyof TransitionNames, string]> = Object.entries({
  approve: "Approve by policy (the app's own transition)",
  deny: 'Deny',
  markGranted: 'Mark granted',
  markExpired: 'Mark expired',
  markRevoked: 'Mark revoked',
  markFailed: 'Mark failed',
  retry: 'Retry failed grant',
} satisfies Record<keyof TransitionNames, string>).flatMap(([key, label]) => (isTransitionKey(key) ? [[key, label] as const] : []));

function isStatusKey(key: string): key is Exclude<keyof StatusNames, 'endAccess'> {
  return key !== 'endAccess' && key in statusNamesSchema.shape;
}

function isTransitionKey(key: string): key is keyof TransitionNames {
  return key in transitionNamesSchema.shape;
}

/** Where each checklist item is fixed. */
const FIX: Record<string, { tab: TabId; label: string }> = {
  'connector-secret': { tab: 'connector', label: 'Set the secret' },
  'connector-reachable': { tab: 'connector', label: 'Check the connector' },
  targets: { tab: 'connector', label: 'Test the connection' },
  'request-types': { tab: 'setup', label: 'Create request types' },
  fields: { tab: 'setup', label: 'Create request types' },
  'change-fields': { tab: 'setup', label: 'Create request types' },
  policies: { tab: 'policies', label: 'Add a rule' },
};

/** Request types in a service desk, the workflow's status and transition names, and what is still missing. */
export function SetupTab({ draft, goTo }: { draft: SettingsDraft; goTo(tab: TabId): void }) {
  return (
    <Stack space="space.300">
      <Checklist goTo={goTo} />
      <RequestTypes initialDesk={draft.saved.requestTypes.serviceDeskId ?? ''} />
      <WorkflowNames draft={draft} />
      <AppOptions draft={draft} />
    </Stack>
  );
}

function Checklist({ goTo }: { goTo(tab: TabId): void }) {
  const { client } = useServices();
  const check = useAction(() => client.call('setupChecklist', {}));
  const { run } = check;
  useEffect(() => {
    void run();
  }, [run]);
  return (
    <Stack space="space.100">
      <Heading size="medium" as="h2">
        Checklist
      </Heading>
      <Inline>
        <Button onClick={() => void check.run()} isLoading={check.busy}>
          Check again
        </Button>
      </Inline>
      <ErrorBanner error={check.error} />
      {check.result && (
        <ul aria-label="Setup checklist" style={{ listStyle: 'none', paddingInlineStart: 0 }}>
          {check.result.items.map((item) => (
            <li key={item.id}>
              <Inline space="space.100" alignBlock="center" shouldWrap>
                <Lozenge appearance={item.done ? 'success' : 'removed'}>{item.done ? 'done' : 'missing'}</Lozenge>
                <Text>{item.detail}</Text>
                {!item.done && FIX[item.id] && (
                  <Button appearance="subtle" spacing="compact" onClick={() => goTo(FIX[item.id]?.tab ?? 'setup')}>
                    {`Fix: ${FIX[item.id]?.label ?? item.id}`}
                  </Button>
                )}
              </Inline>
            </li>
          ))}
        </ul>
      )}
    </Stack>
  );
}

function RequestTypes({ initialDesk }: { initialDesk: string }) {
  const { client } = useServices();
  const [serviceDeskId, setDesk] = useState(initialDesk);
  const [errors, setErrors] = useState<FieldErrors>({});
  const desks = useAction(() => client.call('listServiceDesks', {}));
  const loadDesks = desks.run;
  useEffect(() => {
    void loadDesks();
  }, [loadDesks]);
  const options = (desks.result?.desks ?? []).map((desk) => ({ label: `${desk.name} (${desk.projectKey})`, value: desk.id }));
  const create = useAction(async (): Promise<ResolverResult<'setupRequestTypes'> | undefined> => {
    const checked = validate(contracts.setupRequestTypes.payload, { serviceDeskId: serviceDeskId.trim() });
    if (!checked.ok) {
      setErrors(checked.errors);
      return undefined;
    }
    setErrors({});
    return client.call('setupRequestTypes', checked.data);
  });
  return (
    <Stack space="space.100">
      <Heading size="medium" as="h2">
        Request types
      </Heading>
      <Text>Creates "Database access" and "Emergency database access (break-glass)" and the request fields in a service desk. Running it again changes nothing that exists.</Text>
      <form
        aria-label="Request types"
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <SelectInput
          label="Service desk"
          value={serviceDeskId}
          options={options}
          onChange={setDesk}
          error={errors.serviceDeskId}
          helper={desks.result && options.length === 0 ? 'The app sees no service desk: create one in Jira Service Management first.' : 'The service desk whose portal offers the requests.'}
        />
        <Button type="submit" appearance="primary" isLoading={create.busy}>
          Create request types
        </Button>
      </form>
      <ErrorBanner error={desks.error} title="The service desks could not be listed" />
      <ErrorBanner error={create.error} title="The request types were not created" />
      {create.result && (
        <div role="status">
          <Stack space="space.050">
            <Text>
              In project {create.result.projectKey}: request types {create.result.requestTypes.access ?? 'not created'} (access) and {create.result.requestTypes.breakGlass ?? 'not created'} (break-glass), {Object.keys(create.result.fields).length} fields.
            </Text>
            <Text weight="medium">Next steps</Text>
            <ol>
              {create.result.nextSteps.map((step) => (
                <li key={step}>{step}</li>
              ))}
            </ol>
          </Stack>
        </div>
      )}
    </Stack>
  );
}

function WorkflowNames({ draft }: { draft: SettingsDraft }) {
  const { statuses, transitions } = draft.draft;
  const statusErrors = errorsUnder(draft.errors, 'statuses');
  const transitionErrors = errorsUnder(draft.errors, 'transitions');
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const setStatus = (key: keyof StatusNames, value: string | string[]) => {
    const next = { ...statuses, [key]: value };
    const checked = validate(statusNamesSchema, next);
    setLocalErrors((current) => ({ ...withoutPrefix(current, 'statuses.'), ...prefixed(checked.ok ? {} : checked.errors, 'statuses.') }));
    draft.update((settings) => ({ ...settings, statuses: next }));
  };
  const setTransition = (key: keyof TransitionNames, value: string) => {
    const next = { ...transitions, [key]: value };
    const checked = validate(transitionNamesSchema, next);
    setLocalErrors((current) => ({ ...withoutPrefix(current, 'transitions.'), ...prefixed(checked.ok ? {} : checked.errors, 'transitions.') }));
    draft.update((settings) => ({ ...settings, transitions: next }));
  };
  const error = (path: string, fromSave: string | undefined) => localErrors[path] ?? fromSave;
  return (
    <Stack space="space.100">
      <Heading size="medium" as="h2">
        Workflow
      </Heading>
      <Text>The status names of the request types' workflow, and the transitions the app runs, as your workflow spells them.</Text>
      <Inline space="space.300" shouldWrap>
        <Stack>
          <Heading size="xsmall" as="h3">
            Statuses
          </Heading>
          {STATUS_FIELDS.map(([key, label]) => (
            <TextInput key={key} label={label} value={statuses[key]} onChange={(value) => setStatus(key, value)} error={error(`statuses.${key}`, statusErrors[key])} />
          ))}
          <TextInput label="Statuses that end access" value={statuses.endAccess.join(', ')} onChange={(value) => setStatus('endAccess', splitList(value) ?? [])} helper="Comma-separated (resolved, cancelled…)." error={error('statuses.endAccess', statusErrors.endAccess)} />
        </Stack>
        <Stack>
          <Heading size="xsmall" as="h3">
            Transitions
          </Heading>
          {TRANSITION_FIELDS.map(([key, label]) => (
            <TextInput key={key} label={label} value={transitions[key]} onChange={(value) => setTransition(key, value)} error={error(`transitions.${key}`, transitionErrors[key])} />
          ))}
        </Stack>
      </Inline>
      <SaveBar draft={draft} label="Save workflow mapping" />
    </Stack>
  );
}

function prefixed(errors: FieldErrors, prefix: string): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([path, message]) => [`${prefix}${path}`, message]));
}

function withoutPrefix(errors: FieldErrors, prefix: string): FieldErrors {
  return Object.fromEntries(Object.entries(errors).filter(([path]) => !path.startsWith(prefix)));
}
