import Heading from '@atlaskit/heading';
import { Inline, Stack } from '@atlaskit/primitives';
import { useState } from 'react';
import type { GrantRecord } from '../../../src/core';
import { useServices } from '../../shared/app-context';
import { ConfirmAction } from '../../shared/ui/confirm-action';
import { SelectInput } from '../../shared/ui/fields';
import { ErrorBanner, SuccessBanner } from '../../shared/ui/messages';
import { isRetryable, REVOCABLE, utcTime, type GrantAnswer } from './grant-view';

const EXTENSIONS = [
  { label: '30 minutes', value: 'PT30M' },
  { label: '1 hour', value: 'PT1H' },
  { label: '2 hours', value: 'PT2H' },
  { label: '4 hours', value: 'PT4H' },
];

/**
 * What the viewer may do, each confirmed first and its result shown: revoke (requester, approvers,
 * agents, admins), extension (requester), retry (agents and admins). The resolvers decide who may;
 * the panel only hides what cannot apply.
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
  const revocable = REVOCABLE.has(grant.state);
  const extendable = answer.viewer.isRequester && grant.state === 'active';
  const retryable = !answer.viewer.isRequester && isRetryable(grant);
  if (!revocable && !extendable && !retryable && !result && !error) return null;

  return (
    <Stack space="space.100">
      <Heading size="xsmall" as="h3">
        Actions
      </Heading>
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
        {extendable && (
          <>
            <SelectInput label="Extend by" value={extendBy} options={EXTENSIONS} onChange={setExtendBy} />
            <ConfirmAction
              label="Request extension"
              title="Request more time?"
              confirmLabel="Request"
              onConfirm={act(async () => {
                const extension = await client.call('requestExtension', { extendBy });
                const words = { extended: 'Extended', 'needs-approval': 'The extension needs approval', denied: 'The extension was denied', declined: 'The extension was declined' }[extension.outcome];
                return `${words}${extension.notAfter ? `; access ends at ${utcTime(extension.notAfter)}` : ''}.${extension.reasons.length ? ` ${extension.reasons.join('; ')}.` : ''}`;
              })}
            >
              <p>The policy decides the extension the same way as a new request: it may be granted at once, sent to an approver, or denied.</p>
            </ConfirmAction>
          </>
        )}
        {retryable && (
          <ConfirmAction
            label="Retry grant"
            title="Retry the grant?"
            confirmLabel="Retry"
            onConfirm={act(async () => {
              await client.call('retryGrant', {});
              return 'The grant was queued again.';
            })}
          >
            <p>The app asks the connector to create the login again.</p>
          </ConfirmAction>
        )}
      </Inline>
      {result && <SuccessBanner>{result}</SuccessBanner>}
      <ErrorBanner error={error} />
    </Stack>
  );
}
