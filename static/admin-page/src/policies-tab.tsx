import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { useState } from 'react';
import { describeRule, type PolicyRule } from '../../../src/core';
import { errorsUnder } from '../../shared/field-errors';
import { PolicyYaml } from './policy-yaml-panel';
import { RuleEditor } from './rule-editor';
import { SaveBar } from './save-bar';
import type { SettingsDraft } from './settings-draft';
import { Simulator } from './simulator';

type Editing = { index: number; rule: PolicyRule | undefined };

/** The ordered rule list (first match wins, unmatched requests are denied), the YAML import/export and the simulator. */
export function PoliciesTab({ draft }: { draft: SettingsDraft }) {
  const [editing, setEditing] = useState<Editing | undefined>();
  const rules = draft.draft.policies;
  const setRules = (change: (rules: PolicyRule[]) => PolicyRule[]) => draft.update((settings) => ({ ...settings, policies: change(settings.policies) }));
  const move = (index: number, by: -1 | 1) =>
    setRules((list) => {
      const next = [...list];
      const [rule] = next.splice(index, 1);
      if (rule) next.splice(index + by, 0, rule);
      return next;
    });

  return (
    <Stack space="space.300">
      <Stack space="space.100">
        <Heading size="medium" as="h2">
          Policy rules
        </Heading>
        <Text>Rules are checked from the top; the first that matches decides. A request no rule matches is denied.</Text>
        <ol aria-label="Policy rules" style={{ paddingInlineStart: 0, listStyle: 'none', margin: 0 }}>
          {rules.map((rule, index) => {
            const problem = Object.values(errorsUnder(draft.errors, `policies.${index}`))[0];
            return (
              <li key={`${rule.id}-${index}`} aria-label={`Rule ${index + 1}: ${rule.name}`}>
                <Box padding="space.150" backgroundColor={index % 2 ? 'color.background.neutral.subtle' : 'elevation.surface'}>
                  <Stack space="space.050">
                    <Inline space="space.100" alignBlock="center">
                      <Text weight="bold">
                        {index + 1}. {rule.name}
                      </Text>
                      <Lozenge appearance={rule.then.type === 'deny' ? 'removed' : rule.then.type === 'auto-approve' ? 'success' : 'moved'}>{rule.then.type}</Lozenge>
                      {!rule.enabled && <Lozenge>disabled</Lozenge>}
                    </Inline>
                    <Text>{describeRule(rule, draft.draft)}</Text>
                    {problem && (
                      <div role="alert">
                        <Text color="color.text.danger">{problem}</Text>
                      </div>
                    )}
                    <Inline space="space.050" shouldWrap>
                      <Button spacing="compact" isDisabled={index === 0} onClick={() => move(index, -1)} aria-label={`Move up ${rule.name}`}>
                        Move up
                      </Button>
                      <Button spacing="compact" isDisabled={index === rules.length - 1} onClick={() => move(index, 1)} aria-label={`Move down ${rule.name}`}>
                        Move down
                      </Button>
                      <Button spacing="compact" onClick={() => setEditing({ index, rule })} aria-label={`Edit ${rule.name}`}>
                        Edit
                      </Button>
                      <Button spacing="compact" appearance="subtle" onClick={() => setRules((list) => list.filter((_, at) => at !== index))} aria-label={`Delete ${rule.name}`}>
                        Delete
                      </Button>
                    </Inline>
                  </Stack>
                </Box>
              </li>
            );
          })}
        </ol>
        <Text color="color.text.subtle">Otherwise: deny.</Text>
        <Inline>
          <Button onClick={() => setEditing({ index: rules.length, rule: undefined })}>Add rule</Button>
        </Inline>
        {editing && (
          <RuleEditor
            key={editing.index}
            rule={editing.rule}
            settings={draft.draft}
            takenIds={rules.filter((_, at) => at !== editing.index).map((rule) => rule.id)}
            outerErrors={errorsUnder(draft.errors, `policies.${editing.index}`)}
            onCancel={() => setEditing(undefined)}
            onDone={(rule) => {
              setRules((list) => {
                const next = [...list];
                next[editing.index] = rule;
                return next;
              });
              setEditing(undefined);
            }}
          />
        )}
        <SaveBar draft={draft} label="Save policy" />
      </Stack>
      <Simulator settings={draft.saved} dirty={draft.dirty} />
      <PolicyYaml draft={draft} />
    </Stack>
  );
}
