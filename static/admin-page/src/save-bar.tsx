import Button from '@atlaskit/button/new';
import { Inline, Text } from '@atlaskit/primitives';
import { ErrorBanner, SuccessBanner } from '../../shared/ui/messages';
import type { SettingsDraft } from './settings-draft';

/** Save button for the settings draft, with the outcome and a summary of field errors elsewhere on the page. */
export function SaveBar({ draft, label }: { draft: SettingsDraft; label: string }) {
  const count = Object.keys(draft.errors).length;
  return (
    <Inline space="space.150" alignBlock="center" shouldWrap>
      <Button appearance="primary" isLoading={draft.saving} onClick={() => void draft.save()}>
        {label}
      </Button>
      {draft.dirty && <Text color="color.text.subtle">Unsaved changes.</Text>}
      {count > 0 && (
        <div role="alert">
          <Text color="color.text.danger">
            {count === 1 ? '1 field needs' : `${count} fields need`} attention: {Object.entries(draft.errors).map(([path, message]) => `${path || 'settings'}: ${message}`).join('; ')}
          </Text>
        </div>
      )}
      {draft.savedAt && !draft.dirty && <SuccessBanner>Saved.</SuccessBanner>}
      <ErrorBanner error={draft.saveError} title="The settings were not saved" />
    </Inline>
  );
}
