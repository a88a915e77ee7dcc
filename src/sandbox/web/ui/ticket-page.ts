/// <reference lib="dom" />
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import { el } from './element';
import { createElement as h, useCallback, useEffect, useState } from 'react';
import { adfText, call, errorText, invokeResolver, type DemoUser } from './api';
import { statusAppearance } from './queue-page';

type Issue = { key: string; fields: { summary: string; status: { name: string } }; properties: { 'jit-access'?: { state: string; target?: string; accessLevel?: string; window?: { notAfter: string } } } };
type Approval = { id: string; name: string; finalDecision: string; canAnswerApproval: boolean; approvers: { approver: { displayName: string }; approverDecision: string }[] };
type Transition = { id: string; name: string };
type Comment = { id: string; body: unknown; jsdPublic: boolean; author: { displayName: string }; created: string };
type Credential = { username: string; password: string; connect: { host: string; port: number; database: string }; notAfter: string };

/** One ticket: status, the app's jit-access state, approvals, transitions, the comment timeline, reveal and revoke. */
export function TicketPage(props: { user: DemoUser; issueKey: string; onCredential(target: string, credential: Credential): void }) {
  const { user, issueKey } = props;
  const [issue, setIssue] = useState<Issue | null>(null);
  const [approvals, setApprovals] = useState<Approval[]>([]);
  const [transitions, setTransitions] = useState<Transition[]>([]);
  const [comments, setComments] = useState<Comment[]>([]);
  const [notice, setNotice] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [credential, setCredential] = useState<Credential | null>(null);

  const load = useCallback(async () => {
    const found = await call(user, 'GET', `/rest/api/3/issue/${issueKey}?properties=jit-access`);
    if (found.status !== 200) return setNotice({ kind: 'error', text: errorText(found) });
    setIssue(found.body as Issue);
    const [approvalList, transitionList, commentList] = await Promise.all([
      call(user, 'GET', `/rest/servicedeskapi/request/${issueKey}/approval`),
      call(user, 'GET', `/rest/api/3/issue/${issueKey}/transitions`),
      call(user, 'GET', `/rest/api/3/issue/${issueKey}/comment`),
    ]);
    setApprovals((approvalList.body as { values?: Approval[] }).values ?? []);
    setTransitions((transitionList.body as { transitions?: Transition[] }).transitions ?? []);
    setComments((commentList.body as { comments?: Comment[] }).comments ?? []);
  }, [user, issueKey]);
  useEffect(() => {
    setCredential(null);
    setNotice(null);
    void load();
    const timer = setInterval(() => void load(), 2000);
    return () => clearInterval(timer);
  }, [load]);

  const answer = async (approval: Approval, decision: 'approve' | 'decline') => {
    const result = await call(user, 'POST', `/rest/servicedeskapi/request/${issueKey}/approval/${approval.id}`, { decision });
    setNotice(result.status === 200 ? { kind: 'success', text: `You answered: ${decision}.` } : { kind: 'error', text: errorText(result) });
    await load();
  };
  const move = async (transition: Transition) => {
    const result = await call(user, 'POST', `/rest/api/3/issue/${issueKey}/transitions`, { transition: { id: transition.id } });
    setNotice(result.status === 204 ? { kind: 'success', text: `Moved: ${transition.name}.` } : { kind: 'error', text: errorText(result) });
    await load();
  };
  const reveal = async () => {
    const result = await invokeResolver(user, 'revealCredential', issueKey);
    if (!result.ok) return setNotice({ kind: 'error', text: result.error?.message ?? 'refused' });
    const revealed = result.data as Credential;
    setCredential(revealed);
    const target = issue?.properties['jit-access']?.target;
    if (target) props.onCredential(target, revealed);
  };
  const revoke = async () => {
    const result = await invokeResolver(user, 'revokeNow', issueKey, { reason: 'Revoked from the ticket' });
    setNotice(result.ok ? { kind: 'success', text: 'Access is being revoked.' } : { kind: 'error', text: result.error?.message ?? 'refused' });
    await load();
  };

  if (issue === null) return h('section', { className: 'page' }, notice ? el(SectionMessage, { appearance: 'error' }, notice.text) : 'Loading…');
  const grant = issue.properties['jit-access'];
  return h(
    'section',
    { className: 'page ticket' },
    el(Heading, { size: 'large' }, `${issue.key} · ${issue.fields.summary}`),
    h('p', null, 'Status ', h('span', { 'data-testid': 'ticket-status' }, el(Lozenge, { appearance: statusAppearance(issue.fields.status.name), isBold: true }, issue.fields.status.name))),
    h(
      'div',
      { className: 'panel', 'data-testid': 'jit-panel' },
      el(Heading, { size: 'small' }, 'Database access'),
      grant
        ? h('p', null, 'State ', h('strong', { 'data-testid': 'grant-state' }, grant.state), ` · ${grant.target ?? ''} · ${grant.accessLevel ?? ''}`, grant.window ? ` · until ${grant.window.notAfter}` : '')
        : h('p', null, 'No access record yet.'),
      h(
        'div',
        { className: 'actions' },
        el(Button, { onClick: () => void reveal(), testId: 'reveal', isDisabled: grant?.state !== 'active' }, 'Reveal credential'),
        el(Button, { onClick: () => void revoke(), testId: 'revoke-now', appearance: 'warning', isDisabled: grant?.state !== 'active' }, 'Revoke now'),
      ),
      credential
        ? el(
            SectionMessage,
            { appearance: 'information', title: 'Your one-time credential (shown once)' },
            h('p', null, 'Username ', h('code', { 'data-testid': 'cred-username' }, credential.username)),
            h('p', null, 'Password ', h('code', { 'data-testid': 'cred-password' }, credential.password)),
            h('p', null, `${credential.connect.host}:${credential.connect.port}/${credential.connect.database} until ${credential.notAfter}`),
          )
        : null,
    ),
    approvals.length > 0
      ? h(
          'div',
          { className: 'panel' },
          el(Heading, { size: 'small' }, 'Approvals'),
          approvals.map((approval) =>
            h(
              'div',
              { key: approval.id, className: 'approval' },
              h('p', null, `${approval.name}: `, el(Lozenge, { appearance: approval.finalDecision === 'approved' ? 'success' : approval.finalDecision === 'declined' ? 'removed' : 'moved' }, approval.finalDecision)),
              h('p', null, `Approvers: ${approval.approvers.map((a) => `${a.approver.displayName} (${a.approverDecision})`).join(', ')}`),
              approval.finalDecision === 'pending'
                ? h(
                    'div',
                    { className: 'actions' },
                    el(Button, { appearance: 'primary', onClick: () => void answer(approval, 'approve'), testId: 'approve' }, 'Approve'),
                    el(Button, { onClick: () => void answer(approval, 'decline'), testId: 'decline' }, 'Decline'),
                  )
                : null,
            ),
          ),
        )
      : null,
    h(
      'div',
      { className: 'panel' },
      el(Heading, { size: 'small' }, 'Workflow'),
      h('div', { className: 'actions' }, transitions.length === 0 ? h('span', null, 'No transitions available to you.') : transitions.map((t) => el(Button, { key: t.id, onClick: () => void move(t), testId: `transition-${t.name.replace(/\s+/g, '-').toLowerCase()}` }, t.name))),
    ),
    notice ? el(SectionMessage, { appearance: notice.kind === 'error' ? 'error' : 'success' }, h('p', { 'data-testid': 'ticket-notice' }, notice.text)) : null,
    h(
      'div',
      { className: 'panel' },
      el(Heading, { size: 'small' }, 'Activity'),
      h(
        'ol',
        { className: 'timeline', 'data-testid': 'timeline' },
        comments.map((comment) =>
          h(
            'li',
            { key: comment.id, className: comment.jsdPublic ? 'public' : 'internal' },
            h('div', { className: 'meta' }, el(Lozenge, { appearance: comment.jsdPublic ? 'new' : 'default' }, comment.jsdPublic ? 'Reply to customer' : 'Internal note'), ` ${comment.author.displayName} · ${comment.created}`),
            h('pre', null, adfText(comment.body)),
          ),
        ),
      ),
    ),
  );
}
