import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { useState } from 'react';
import { accessLevelSchema, describeDuration, parseDuration, type AccessLevel } from '../../../src/core';
import { errorsUnder, validate, type FieldErrors } from '../../shared/field-errors';
import { CheckboxInput, TextInput } from '../../shared/ui/fields';
import { NoWrap } from '../../shared/ui/no-wrap';
import type { SettingsDraft } from './settings-draft';

const BLANK: AccessLevel = { id: '', name: '', description: '', connectorRole: '', defaultDuration: 'PT1H', maxDuration: 'PT4H', requiresChange: false, breakGlass: false, boundToWindow: false };

function duration(text: string): string {
  try {
    return describeDuration(parseDuration(text));
  } catch {
    return text;
  }
}

/** Access level templates: durations, whether a change is required and whether break-glass may use them. */
export function AccessLevels({ draft }: { draft: SettingsDraft }) {
  const [editing, setEditing] = useState<{ index: number; level: AccessLevel } | undefined>();
  const levels = draft.draft.accessLevels;
  const remove = (index: number) => draft.update((settings) => ({ ...settings, accessLevels: settings.accessLevels.filter((_, at) => at !== index) }));
  return (
    <Stack space="space.100">
      <Heading size="medium" as="h2">
        Access levels
      </Heading>
      <Text>What a requester can ask for. Each maps to a role the connector offers on a target.</Text>
      <DynamicTable
        label="Access levels"
        head={{ cells: ['Name', 'Connector role', 'Default', 'Maximum', 'Change required', 'Break-glass', 'Actions'].map((content) => ({ key: content, content })) }}
        rows={levels.map((level, index) => ({
          key: `${level.id}-${index}`,
          cells: [
            // Not Atlaskit's Text, which breaks a word anywhere to fit a narrow column: a name breaks between words only.
            { key: 'name', content: <Stack><span style={{ fontWeight: 500 }}>{level.name}</span><Text size="small" color="color.text.subtle"><NoWrap>{level.id}</NoWrap>{errorsUnder(draft.errors, `accessLevels.${index}`)[''] ?? ''}</Text></Stack> },
            { key: 'role', content: <NoWrap>{level.connectorRole}</NoWrap> },
            { key: 'default', content: <NoWrap>{duration(level.defaultDuration)}</NoWrap> },
            { key: 'max', content: <NoWrap>{duration(level.maxDuration)}</NoWrap> },
            { key: 'change', content: level.requiresChange ? 'Yes' : 'No' },
            { key: 'bg', content: level.breakGlass ? 'Allowed' : 'No' },
            {
              key: 'actions',
              content: (
                <Inline space="space.050" shouldWrap>
                  <Button spacing="compact" onClick={() => setEditing({ index, level })} aria-label={`Edit ${level.name}`}>
                    Edit
                  </Button>
                  <Button spacing="compact" appearance="subtle" onClick={() => remove(index)} aria-label={`Delete ${level.name}`}>
                    Delete
                  </Button>
                </Inline>
              ),
            },
          ],
        }))}
      />
      <Inline>
        <Button onClick={() => setEditing({ index: levels.length, level: BLANK })}>Add access level</Button>
      </Inline>
      {editing && (
        <LevelEditor
          level={editing.level}
          errors={errorsUnder(draft.errors, `accessLevels.${editing.index}`)}
          onCancel={() => setEditing(undefined)}
          onDone={(level) => {
            draft.update((settings) => {
              const accessLevels = [...settings.accessLevels];
              accessLevels[editing.index] = level;
              return { ...settings, accessLevels };
            });
            setEditing(undefined);
          }}
        />
      )}
    </Stack>
  );
}

function LevelEditor({ level, errors: outer, onDone, onCancel }: { level: AccessLevel; errors: FieldErrors; onDone(level: AccessLevel): void; onCancel(): void }) {
  const [value, setValue] = useState(level);
  const [errors, setErrors] = useState<FieldErrors>(outer);
  const set = <K extends keyof AccessLevel>(key: K) => (next: AccessLevel[K]) => setValue((current) => ({ ...current, [key]: next }));
  return (
    <form
      aria-label="Access level"
      onSubmit={(event) => {
        event.preventDefault();
        const checked = validate(accessLevelSchema, value);
        if (checked.ok) onDone(checked.data);
        else setErrors(checked.errors);
      }}
    >
      <Heading size="small" as="h3">
        {level.id ? `Edit ${level.name}` : 'New access level'}
      </Heading>
      <TextInput label="Id" value={value.id} onChange={set('id')} error={errors.id} helper="Lower-case letters, digits and dashes." />
      <TextInput label="Name" value={value.name} onChange={set('name')} error={errors.name} />
      <TextInput label="Description" value={value.description} onChange={set('description')} error={errors.description} />
      <TextInput label="Connector role" value={value.connectorRole} onChange={set('connectorRole')} error={errors.connectorRole} helper="The role the connector offers on a target, e.g. read, write, ddl." />
      <TextInput label="Default duration" value={value.defaultDuration} onChange={set('defaultDuration')} error={errors.defaultDuration} helper="ISO-8601, e.g. PT4H." />
      <TextInput label="Maximum duration" value={value.maxDuration} onChange={set('maxDuration')} error={errors.maxDuration} />
      <CheckboxInput label="A linked change request is required" checked={value.requiresChange} onChange={set('requiresChange')} />
      <CheckboxInput label="Break-glass requests may use this level" checked={value.breakGlass} onChange={set('breakGlass')} />
      <CheckboxInput label="Access is bound to the change's planned window" checked={value.boundToWindow} onChange={set('boundToWindow')} />
      <Inline space="space.100">
        <Button type="submit" appearance="primary">
          Done
        </Button>
        <Button appearance="subtle" onClick={onCancel}>
          Cancel
        </Button>
      </Inline>
    </form>
  );
}
