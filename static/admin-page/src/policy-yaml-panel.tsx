import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { useState } from 'react';
import type { FieldErrors } from '../../shared/field-errors';
import { downloadText } from '../../shared/ui/download';
import { TextAreaInput } from '../../shared/ui/fields';
import { SuccessBanner } from '../../shared/ui/messages';
import { exportPolicy, importPolicy } from './policy-yaml';
import type { SettingsDraft } from './settings-draft';

/** Export the policy as YAML, or paste YAML to replace it (into the draft: review, then save). */
export function PolicyYaml({ draft }: { draft: SettingsDraft }) {
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [imported, setImported] = useState(false);
  return (
    <Stack space="space.100">
      <Heading size="medium" as="h2">
        Import and export
      </Heading>
      <Text>The whole policy (rules, access levels, approver groups, business hours) as YAML.</Text>
      <Inline space="space.100">
        <Button onClick={() => setText(exportPolicy(draft.draft))}>Show policy as YAML</Button>
        <Button onClick={() => downloadText('jit-policy.yaml', exportPolicy(draft.draft), 'application/yaml')}>Download YAML</Button>
      </Inline>
      <TextAreaInput
        label="Policy YAML"
        value={text}
        rows={8}
        onChange={(value) => {
          setText(value);
          setImported(false);
        }}
        error={Object.keys(errors).length ? Object.entries(errors).map(([path, message]) => `${path || 'document'}: ${message}`).join('; ') : undefined}
        helper="Paste a policy and import it; nothing is saved until you save the policy."
      />
      <Inline space="space.100">
        <Button
          onClick={() => {
            const result = importPolicy(draft.draft, text);
            if (!result.ok) {
              setErrors(result.errors);
              return;
            }
            setErrors({});
            draft.update(() => result.settings);
            setImported(true);
          }}
        >
          Import YAML
        </Button>
      </Inline>
      {imported && <SuccessBanner>The policy was imported. Review the rules, then save.</SuccessBanner>}
    </Stack>
  );
}
