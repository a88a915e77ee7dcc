import Heading from '@atlaskit/heading';
import { Box, Stack } from '@atlaskit/primitives';
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import { useEffect, useState } from 'react';
import { useServices } from '../../shared/app-context';
import { ErrorBanner, Loading } from '../../shared/ui/messages';
import { AuditTab } from './audit-tab';
import { ConnectorTab } from './connector-tab';
import { PoliciesTab } from './policies-tab';
import { useSettingsDraft, type Loaded } from './settings-draft';
import { SetupTab } from './setup-tab';
import { TABS, type TabId } from './tabs';
import { TargetsTab } from './targets-tab';

/** The Jira admin page: loads the settings once, then one tab per task. */
export function AdminPage(_props: { context?: unknown }) {
  const { client } = useServices();
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    client.call('getSettings', {}).then(setLoaded, setError);
  }, [client]);
  return (
    <Box padding="space.300" backgroundColor="elevation.surface">
      <Stack space="space.200">
        <Heading size="large" as="h1">
          JIT database access
        </Heading>
        {error !== undefined && <ErrorBanner error={error} title="The settings could not be loaded" />}
        {!loaded && error === undefined && <Loading label="Loading settings" />}
        {loaded && <Settings loaded={loaded} />}
      </Stack>
    </Box>
  );
}

function Settings({ loaded }: { loaded: Loaded }) {
  const draft = useSettingsDraft(loaded);
  const [tab, setTab] = useState(0);
  const [secretSet, setSecretSet] = useState(loaded.connector.secretSet);
  const goTo = (id: TabId) => setTab(TABS.findIndex((candidate) => candidate.id === id));
  return (
    <Tabs id="jit-admin-tabs" selected={tab} onChange={setTab}>
      <TabList>
        {TABS.map((candidate) => (
          <Tab key={candidate.id}>{candidate.label}</Tab>
        ))}
      </TabList>
      <TabPanel>
        <Box paddingBlock="space.200" style={{ width: '100%' }}>
          <ConnectorTab draft={draft} secretSet={secretSet} onSecretSaved={() => setSecretSet(true)} />
        </Box>
      </TabPanel>
      <TabPanel>
        <Box paddingBlock="space.200" style={{ width: '100%' }}>
          <TargetsTab draft={draft} />
        </Box>
      </TabPanel>
      <TabPanel>
        <Box paddingBlock="space.200" style={{ width: '100%' }}>
          <PoliciesTab draft={draft} />
        </Box>
      </TabPanel>
      <TabPanel>
        <Box paddingBlock="space.200" style={{ width: '100%' }}>
          <SetupTab draft={draft} goTo={goTo} />
        </Box>
      </TabPanel>
      <TabPanel>
        <Box paddingBlock="space.200" style={{ width: '100%' }}>
          <AuditTab />
        </Box>
      </TabPanel>
    </Tabs>
  );
}
