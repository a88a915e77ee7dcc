import Heading from '@atlaskit/heading';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { useState } from 'react';
import { isRetryable } from '../../../src/core/retryable';
import type { GrantRecord } from '../../../src/core';
import { useServices } from '../../shared/app-context';
import { ConfirmAction } from '../../shared/ui/confirm-action';
import { SelectInput } from '../../shared/ui/fields';
import { ErrorBanner, SuccessBanner } from '../../shared/ui/messages';
import { inWords, mayRevoke, REVOCABLE, utcTime, type GrantAnswer } from './grant-view';

const EXTENSIONS = [
  { label: '30 minutes', value: 'PT30M' },
  { label: '1 hour', value: 'PT1H' },
  { label: '2 hours', value: 'PT2H' },
  { label: '4 hours', value: 'PT4H' },
];

/**
 * What the viewer may do, by the roles getGrant reports, each confirmed first and its result shown:
 * revoke (requester, approvers, agents, admins), ask for an extension (requester), answer a pending
 * extension (approvers), retry a stuck or failed grant (admins). The resolvers check every call again.
 */
export function Actions({ answer, grant, onChanged }: { answer: GrantAnswer; grant: GrantRecord; onChanged(): Promise<void> }) {
  const { client } = useServices();
  const [extendBy, setExtendBy] = useState('PT1H');
  const [result, setResult] = useState<string>();
  const [error, setError] = useState<unknown>();
  const act = (run: () => Promise<string>) => async () => {
    setResult(undefined);
    setError(undefined);
    try {
      setResult(await run());
    } catch (failure) {
      setError(failure);
    }
    await onChanged();
  };
  const { viewer, pendingExtension } = answer;
  const isAdmin = viewer.roles.includes('admin');
  const active = grant.state === 'active';
  const revocable = REVOCABLE.has(grant.state) && mayRevoke(answer);
  const cancellable = grant.state === 'awaiting-approval' && (viewer.isRequester || viewer.roles.includes('agent') || isAdmin);
  const extendable = viewer.isRequester && active && !pendingExtension;
  const answerable = active && pendingExtension !== null && viewer.roles.includes('approver') && !viewer.isRequester;
  const retryable = isAdmin && isRetryable(grant);
  const failed = grant.state === 'failed';
  const waiting = active && pendingExtension;
  if (!revocable && !cancellable && !extendable && !answerable && !retryable && !waiting && !result && !error) return null;

  return (
    <Stack space="space.100">
      <Heading size="xsmall" as="h3">
        Actions
      </Heading>
      {waiting && (
        <Text testId="pending-extension">
          {`An extension by ${inWords(waiting.extendBy)} was asked at ${utcTime(waiting.requestedAt)} and waits for ${waiting.groupName}. Access stays as it is until then.`}
        </Text>
      )}
      <Inline space="space.100" alignBlock="end" shouldWrap>
        {revocable && (
          <ConfirmAction
            label="Revoke now"
            title="Revoke access now?"
            confirmLabel="Revoke"
            appearance="danger"
            onConfirm={act(async () => {
              const revoked = await client.call('revokeNow', {});
              return revoked.pending ? 'Revocation requested; the connector is removing the login.' : `Access is ${revoked.state}.`;
            })}
          >
            <p>The database login is removed and its sessions end. This cannot be undone.</p>
          </ConfirmAction>
        )}
        {cancellable && (
          <ConfirmAction
            label="Cancel request"
            title="Cancel this request?"
            confirmLabel="Yes, cancel"
            appearance="danger"
            onConfirm={act(async () => {
              await client.call('cancelRequest', {});
              return 'The request is cancelled; nothing was granted.';
            })}
          >
            <p>The request is withdrawn before anyone approved it. Nothing was granted, so nothing is revoked.</p>
          </ConfirmAction>
        )}
        {extendable && (
          <>
            <SelectInput label="Extend by" value={extendBy} options={EXTENSIONS} onChange={setExtendBy} />
            <ConfirmAction
              label="Request extension"
              title="Request more time?"
              confirmLabel="Request"
              onConfirm={act(async () => (await client.call('requestExtension', { extendBy })).message)}
            >
              <p>The policy decides the extension the same way as a new request: it may be granted at once, sent to an approver, or denied.</p>
            </ConfirmAction>
          </>
        )}
        {answerable && (
          <>
            <ConfirmAction
              label="Approve extension"
              title={`Approve the extension by ${inWords(pendingExtension.extendBy)}?`}
              confirmLabel="Approve"
              appearance="primary"
              onConfirm={act(async () => (await client.call('requestExtension', { decision: 'approve' })).message)}
            >
              <p>Access lasts longer by {inWords(pendingExtension.extendBy)}, within the access level's maximum.</p>
            </ConfirmAction>
            <ConfirmAction
              label="Decline extension"
              title="Decline the extension?"
              confirmLabel="Decline"
              onConfirm={act(async () => (await client.call('requestExtension', { decision: 'decline' })).message)}
            >
              <p>Access still ends when its window closes.</p>
            </ConfirmAction>
          </>
        )}
        {retryable && (
          <ConfirmAction
            label="Retry grant"
            title={failed ? 'Retry the failed grant?' : 'Retry the grant?'}
            confirmLabel="Retry"
            onConfirm={act(async () => {
              const queued = await client.call('retryGrant', {});
              return failed ? `The grant was retried under the new grant id ${queued.grantId}.` : 'The grant was queued again.';
            })}
          >
            {failed ? (
              <p>The ticket goes back to the approved status and the app asks the connector for access again under a new grant id, with a fresh set of attempts.</p>
            ) : (
              <p>The app asks the connector to create the login again.</p>
            )}
          </ConfirmAction>
        )}
      </Inline>
      {result && <SuccessBanner>{result}</SuccessBanner>}
      <ErrorBanner error={error} />
    </Stack>
  );
}
