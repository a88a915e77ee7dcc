import { Box, Stack } from '@atlaskit/primitives';
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../../shared/app-context';
import { ErrorBanner, Loading } from '../../shared/ui/messages';
import { ActivityCount } from './activity-count';
import { Actions } from './actions';
import { CredentialBox } from './credential-box';
import type { GrantAnswer } from './grant-view';
import { GrantSummary } from './grant-summary';
import { SqlConsole } from './sql-console';
import { Timeline } from './timeline';

/** The access panel of one ticket (issue panel and portal request view): state, credential, actions, history. */
export function TicketPanel(_props: { context?: unknown }) {
  const { client } = useServices();
  const [answer, setAnswer] = useState<GrantAnswer>();
  const [error, setError] = useState<unknown>();
  const refresh = useCallback(async () => {
    try {
      setAnswer(await client.call('getGrant', {}));
      setError(undefined);
    } catch (failure) {
      setError(failure);
    }
  }, [client]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <Box padding="space.150" backgroundColor="elevation.surface">
      <Stack space="space.200">
        {error !== undefined && <ErrorBanner error={error} title="The access state could not be loaded" />}
        {!answer && error === undefined && <Loading label="Loading access" />}
        {answer && !answer.grant && <p>This ticket has no database access request.</p>}
        {answer?.grant && (
          <>
            <GrantSummary answer={answer} grant={answer.grant} onWindowEnd={() => void refresh()} />
            {answer.grant.state === 'active' && <ActivityCount />}
            <CredentialBox answer={answer} grant={answer.grant} onRevealed={() => void refresh()} />
            {answer.grant.state === 'active' && answer.viewer.isRequester && <SqlConsole engine={answer.engine ?? 'postgres'} />}
            <Actions answer={answer} grant={answer.grant} onChanged={refresh} />
            <Timeline answer={answer} grant={answer.grant} />
            {answer.contact && <p>{`Questions about this access? Ask ${answer.contact}.`}</p>}
          </>
        )}
      </Stack>
    </Box>
  );
}
