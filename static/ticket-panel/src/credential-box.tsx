import Button from '@atlaskit/button/new';
import SectionMessage from '@atlaskit/section-message';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { useState } from 'react';
import type { GrantRecord } from '../../../src/core';
import { useServices } from '../../shared/app-context';
import { ConfirmAction } from '../../shared/ui/confirm-action';
import { ErrorBanner } from '../../shared/ui/messages';
import { connectHelp, utcTime, type Credential, type Engine, type GrantAnswer } from './grant-view';

/**
 * The one-time password: only the requester sees the reveal button, and only once. The password stays in
 * this component's memory; after a reload the panel says when it was revealed.
 */
export function CredentialBox({ answer, grant, onRevealed }: { answer: GrantAnswer; grant: GrantRecord; onRevealed(): void }) {
  const { client } = useServices();
  const [credential, setCredential] = useState<Credential>();
  const [error, setError] = useState<unknown>();
  const revealedAt = grant.credential?.revealedAt;

  if (credential) return <Revealed credential={credential} engine={answer.engine} />;
  return (
    <Stack space="space.100">
      {answer.credentialAvailable && (
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <ConfirmAction
            label="Reveal password"
            title="Reveal the password once?"
            confirmLabel="Reveal now"
            appearance="primary"
            onConfirm={async () => {
              try {
                setCredential(await client.call('revealCredential', {}));
              } catch (failure) {
                setError(failure);
                onRevealed();
              }
            }}
          >
            <p>The password is shown once. Copy it before you leave this page: it cannot be shown again.</p>
          </ConfirmAction>
          <Text color="color.text.subtle">Login {grant.username} — the password can be shown once.</Text>
        </Inline>
      )}
      {revealedAt && (
        <Text>
          The password was revealed at {utcTime(revealedAt)}. It is not shown again{grant.state === 'active' ? '; revoke and request again if it was lost' : ''}.
        </Text>
      )}
      {!answer.viewer.isRequester && grant.state === 'active' && !revealedAt && <Text color="color.text.subtle">Only the requester can reveal the password.</Text>}
      <ErrorBanner error={error} title="The password could not be shown" />
    </Stack>
  );
}

function Revealed({ credential, engine }: { credential: Credential; engine: Engine | null }) {
  const help = connectHelp(credential, engine);
  return (
    <SectionMessage appearance="warning" title="Your one-time password">
      <Stack space="space.100">
        <p>Copy it now: it is not shown again. Access ends at {utcTime(credential.notAfter)}.</p>
        <Copyable label="User" value={credential.username} />
        <Copyable label="Password" value={credential.password} />
        {help.kind === 'client' && (
          <>
            <Copyable label="Connection string" value={help.connectionString} />
            <Copyable label={help.command.label} value={help.command.text} />
          </>
        )}
        {help.kind === 'console' && <Text testId="connect-note">{help.note}</Text>}
        {help.kind === 'address' && <Copyable label="Address" value={help.address} />}
      </Stack>
    </SectionMessage>
  );
}

function Copyable({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Stack space="space.050">
      <Text weight="medium">{label}</Text>
      <Inline space="space.100" alignBlock="center">
        <code aria-label={label} style={{ wordBreak: 'break-all' }}>
          {value}
        </code>
        <Button
          spacing="compact"
          aria-label={`Copy ${label}`}
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </Inline>
    </Stack>
  );
}
