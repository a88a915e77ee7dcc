import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Stack, Text } from '@atlaskit/primitives';
import type { Settings } from '../../../src/core';
import { NoWrap } from '../../shared/ui/no-wrap';
import { AccessLevels } from './access-levels';
import { SaveBar } from './save-bar';
import type { SettingsDraft } from './settings-draft';

/** The databases as the connector reports them (read-only here; "Test connection" refreshes them), and the access level templates. */
export function TargetsTab({ draft }: { draft: SettingsDraft }) {
  return (
    <Stack space="space.300">
      <Stack space="space.100">
        <Heading size="medium" as="h2">
          Database targets
        </Heading>
        <Text>Targets come from the connector; use Test connection on the Connector tab to refresh them.</Text>
        <TargetTable targets={draft.draft.targets} />
      </Stack>
      <AccessLevels draft={draft} />
      <SaveBar draft={draft} label="Save access levels" />
    </Stack>
  );
}

function TargetTable({ targets }: { targets: Settings['targets'] }) {
  return (
    <DynamicTable
      label="Database targets"
      emptyView={<Text>No targets yet. Save the connector and test the connection.</Text>}
      head={{ cells: [{ key: 'id', content: 'Target' }, { key: 'engine', content: 'Engine' }, { key: 'env', content: 'Environment' }, { key: 'connect', content: 'Connects to' }, { key: 'roles', content: 'Roles offered' }] }}
      rows={targets.map((target) => ({
        key: target.id,
        cells: [
          { key: 'id', content: <NoWrap>{target.id}</NoWrap> },
          { key: 'engine', content: target.engine },
          { key: 'env', content: <Lozenge appearance={target.environment === 'prod' ? 'removed' : target.environment === 'dev' ? 'success' : 'inprogress'}>{target.environment}</Lozenge> },
          { key: 'connect', content: <NoWrap>{`${target.connect.host}:${target.connect.port}/${target.connect.database}`}</NoWrap> },
          { key: 'roles', content: target.roles.join(', ') },
        ],
      }))}
    />
  );
}
