import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import { Box } from '@atlaskit/primitives';
import Select from '@atlaskit/select';
import { useEffect, useId, useState } from 'react';
import type { ChangeOption } from '../../../src/app/portal/request-form';
import { useServices } from '../../shared/app-context';
import { localTime } from './local-time';

interface Choice {
  value: string;
  label: string;
}

/** "CHG-4 · Reindex orders — Ready for implementation, planned 2 Dec 14:00 – 16:00 CET". */
export function describeChange(change: ChangeOption): string {
  const planned = change.plannedStart && change.plannedEnd ? `, planned ${localTime(change.plannedStart)} – ${localTime(change.plannedEnd)}` : ', no planned window';
  return `${change.key} · ${change.summary} — ${change.status}${planned}`;
}

/** Finds the site's open change requests as the requester types (key or summary), one to link. */
export function ChangePicker(props: { value: string; required: boolean; error?: string | undefined; onChange(key: string): void }) {
  const { client } = useServices();
  const id = useId();
  const [query, setQuery] = useState('');
  const [choices, setChoices] = useState<Choice[]>([]);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState<string>();
  useEffect(() => {
    let current = true;
    setLoading(true);
    const timer = setTimeout(() => {
      client
        .call('findChanges', { query })
        .then(({ changes }) => {
          if (!current) return;
          setChoices(changes.map((change) => ({ value: change.key, label: describeChange(change) })));
          setFailed(undefined);
        })
        .catch((error: unknown) => current && setFailed(error instanceof Error ? error.message : 'The change requests could not be searched.'))
        .finally(() => current && setLoading(false));
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, query]);
  const selected = choices.find((choice) => choice.value === props.value) ?? (props.value ? { value: props.value, label: props.value } : null);
  const helper = props.required ? 'This access level needs a change request with a planned window; access stays within it.' : 'Optional: link the change this work belongs to.';
  return (
    <Box paddingBlockEnd="space.100">
      <Label htmlFor={id}>{props.required ? 'Change request (required)' : 'Change request'}</Label>
      <Select<Choice>
        inputId={id}
        testId="change-picker"
        value={selected}
        options={choices}
        isClearable
        isLoading={loading}
        placeholder="Search by key or summary"
        noOptionsMessage={() => (failed ? failed : 'No open change request matches')}
        isInvalid={Boolean(props.error)}
        aria-describedby={`${id}-helper${props.error ? ` ${id}-error` : ''}`}
        onInputChange={(text, meta) => {
          if (meta.action === 'input-change') setQuery(text);
        }}
        onChange={(choice) => props.onChange(choice?.value ?? '')}
      />
      <div id={`${id}-helper`}>
        <HelperMessage>{helper}</HelperMessage>
      </div>
      {props.error && (
        <div id={`${id}-error`}>
          <ErrorMessage>{props.error}</ErrorMessage>
        </div>
      )}
    </Box>
  );
}
