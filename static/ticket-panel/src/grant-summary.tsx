import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { useEffect, useState } from 'react';
import type { GrantRecord } from '../../../src/core';
import { countdown, inWords, nameOf, STATE_VIEW, utcTime, type GrantAnswer } from './grant-view';

/** State, target, level, window and who approved under which rule; a live countdown while access is active or scheduled. */
export function GrantSummary({ answer, grant, onWindowEnd }: { answer: GrantAnswer; grant: GrantRecord; onWindowEnd(): void }) {
  const view = STATE_VIEW[grant.state];
  const counting = grant.window && (grant.state === 'active' || grant.state === 'scheduled');
  return (
    <Stack space="space.100">
      <Inline space="space.100" alignBlock="center" shouldWrap>
        <Heading size="small" as="h2">
          Database access
        </Heading>
        <Lozenge appearance={view.appearance} isBold testId="grant-state">
          {view.label}
        </Lozenge>
        {grant.breakGlass && <Lozenge appearance="removed">break-glass</Lozenge>}
      </Inline>
      <Text>{view.summary}</Text>
      {counting && grant.window && <Countdown state={grant.state} notBefore={grant.window.notBefore} notAfter={grant.window.notAfter} onEnd={onWindowEnd} />}
      <dl aria-label="Access details" style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 16px', margin: 0 }}>
        <dt>Requested by</dt>
        <dd style={{ margin: 0 }}>{nameOf(answer, grant.requester.accountId)}</dd>
        <dt>Target</dt>
        <dd style={{ margin: 0 }}>{grant.target}</dd>
        <dt>Access level</dt>
        <dd style={{ margin: 0 }}>{`${grant.accessLevel} (role ${grant.role})`}</dd>
        <dt>Window</dt>
        <dd style={{ margin: 0 }}>{grant.window ? `${utcTime(grant.window.notBefore)} – ${utcTime(grant.window.notAfter)}` : grant.duration ? `${inWords(grant.duration)} once granted` : 'not set yet'}</dd>
        <dt>Decided by</dt>
        <dd style={{ margin: 0 }}>{grant.rule ? `rule "${grant.rule.name}"` : 'not decided yet'}</dd>
        <dt>Approved by</dt>
        <dd style={{ margin: 0 }}>{grant.approvers.length ? grant.approvers.map((approver) => `${nameOf(answer, approver.accountId)} at ${utcTime(approver.at)}`).join(', ') : grant.approval ? `waiting for ${grant.approval.count} of ${grant.approval.group}` : 'no approver needed'}</dd>
        {grant.change && (
          <>
            <dt>Change</dt>
            <dd style={{ margin: 0 }}>{grant.change.key}</dd>
          </>
        )}
        {grant.lastError && (
          <>
            <dt>Last error</dt>
            <dd style={{ margin: 0 }}>{`${grant.lastError} (after ${grant.attempts} ${grant.attempts === 1 ? 'attempt' : 'attempts'})`}</dd>
          </>
        )}
      </dl>
      {answer.reasons.length > 0 && (
        <Stack space="space.050">
          <Text weight="medium">Why</Text>
          <ul aria-label="Decision reasons">
            {answer.reasons.map((reason, index) => (
              <li key={index}>{reason}</li>
            ))}
          </ul>
        </Stack>
      )}
      {answer.refusedApprovals.length > 0 && (
        <Text color="color.text.warning">
          {answer.refusedApprovals.map((refusal) => `Approval by ${nameOf(answer, refusal.accountId)} at ${utcTime(refusal.at)} refused: ${refusal.reason}`).join(' ')}
        </Text>
      )}
    </Stack>
  );
}

function Countdown({ state, notBefore, notAfter, onEnd }: { state: GrantRecord['state']; notBefore: string; notAfter: string; onEnd(): void }) {
  const [now, setNow] = useState(() => Date.now());
  const until = state === 'scheduled' ? notBefore : notAfter;
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const over = now >= Date.parse(until);
  useEffect(() => {
    if (over) onEnd();
  }, [over, onEnd]);
  return (
    <div role="timer" aria-live="off" aria-label={state === 'scheduled' ? 'Time until access starts' : 'Time left'}>
      <Text size="large" weight="bold">
        {state === 'scheduled' ? `Starts in ${countdown(until, now)}` : `${countdown(until, now)} left`}
      </Text>
    </div>
  );
}
