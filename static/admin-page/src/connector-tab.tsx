import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { useState } from 'react';
import { contracts, type ResolverResult } from '../../../src/app/resolvers/contracts';
import { useServices } from '../../shared/app-context';
import { validate, type FieldErrors } from '../../shared/field-errors';
import { TextInput } from '../../shared/ui/fields';
import { ErrorBanner, SuccessBanner } from '../../shared/ui/messages';
import { useAction } from '../../shared/ui/use-action';
import type { SettingsDraft } from './settings-draft';

/**
 * The connector's address and signing secret. The secret is write-only: the page only learns whether one
 * is stored, and the field is emptied once it is saved.
 */
export function ConnectorTab({ draft, secretSet, onSecretSaved }: { draft: SettingsDraft; secretSet: boolean; onSecretSaved(): void }) {
  const { client } = useServices();
  const [url, setUrl] = useState(draft.saved.connectorUrl);
  const [secret, setSecret] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useAction(async () => {
    const checked = validate(contracts.setConnector.payload, { url, secret });
    if (!checked.ok) {
      setErrors(checked.errors);
      return false;
    }
    setErrors({});
    await client.call('setConnector', checked.data);
    setSecret('');
    draft.reload({ ...draft.saved, connectorUrl: checked.data.url });
    onSecretSaved();
    return true;
  });
  const test = useAction(async () => {
    const result = await client.call('testConnection', { saveTargets: true });
    if (result.savedTargets) draft.reload({ ...draft.saved, targets: result.targets });
    return result;
  });

  return (
    <Stack space="space.200">
      <Heading size="medium" as="h2">
        Connector
      </Heading>
      <Text>The connector creates and removes the temporary database logins. The app signs every call with the shared secret.</Text>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save.run();
        }}
      >
        <TextInput label="Connector URL" value={url} onChange={setUrl} error={errors.url} helper="The connector's HTTPS address; it must also be listed in manifest.yml's egress." />
        <TextInput
          label="Signing secret"
          type="password"
          value={secret}
          onChange={setSecret}
          error={errors.secret}
          autoComplete="new-password"
          helper={secretSet ? 'A secret is stored. It is never shown; enter a new one to replace it.' : 'No secret is stored yet. At least 16 characters, the same as the connector’s.'}
        />
        <Inline space="space.100">
          <Button type="submit" appearance="primary" isLoading={save.busy}>
            Save connector
          </Button>
        </Inline>
      </form>
      {save.result === true && <SuccessBanner>The connector URL and secret were saved. The secret will not be shown again.</SuccessBanner>}
      <ErrorBanner error={save.error} title="The connector was not saved" />

      <Heading size="small" as="h3">
        Test connection
      </Heading>
      <Inline space="space.100">
        <Button onClick={() => void test.run()} isLoading={test.busy}>
          Test connection
        </Button>
      </Inline>
      <ErrorBanner error={test.error} title="The connector did not answer" />
      {test.result && <ConnectionResult result={test.result} />}
    </Stack>
  );
}

function ConnectionResult({ result }: { result: ResolverResult<'testConnection'> }) {
  const reach = new Map(result.health.targets.map((target) => [target.id, target]));
  return (
    <Stack space="space.100">
      <div role="status">
        <Text>
          Connector status: {result.health.status}. {result.savedTargets ? `${result.targets.length} targets saved.` : ''}
        </Text>
      </div>
      <DynamicTable
        caption="Targets the connector reports"
        head={{ cells: [{ key: 'id', content: 'Target' }, { key: 'env', content: 'Environment' }, { key: 'reach', content: 'Reachable' }, { key: 'levels', content: 'Access levels (roles)' }] }}
        rows={result.targets.map((target) => {
          const health = reach.get(target.id);
          return {
            key: target.id,
            cells: [
              { key: 'id', content: `${target.id} (${target.engine})` },
              { key: 'env', content: <Lozenge appearance={target.environment === 'prod' ? 'removed' : 'default'}>{target.environment}</Lozenge> },
              { key: 'reach', content: health?.reachable ? <Lozenge appearance="success">reachable</Lozenge> : <Lozenge appearance="removed">{health ? 'unreachable' : 'unknown'}</Lozenge> },
              { key: 'levels', content: target.roles.join(', ') },
            ],
          };
        })}
      />
    </Stack>
  );
}
