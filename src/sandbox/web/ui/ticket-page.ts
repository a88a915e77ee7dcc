/// <reference lib="dom" />
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import { el } from './element';
import { createElement as h, useCallback, useEffect, useState } from 'react';
import { adfText, call, errorText, type CustomUiPage, type DemoUser } from './api';
import { CustomUiFrame, pageUrl } from './custom-ui-frame';
import { statusAppearance } from './queue-page';
import type { Theme } from './theme';

type Issue = { key: string; fields: { summary: string; status: { name: string } }; properties: { 'jit-access'?: { state: string; target?: string; username?: string } } };
type Approval = { id: string; name: string; finalDecision: string; canAnswerApproval: boolean; approvers: { approver: { displayName: string }; approverDecision: string }[] };
type Transition = { id: string; name: string };
/** Jira's timestamp as people read it, in UTC with the zone: 2026-11-29 23:06:01 UTC. */
function readableTime(instant: string): string {
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? instant : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

type Comment = { id: string; body: unknown; jsdPublic: boolean; author: { displayName: string }; created: string };

/**
 * One ticket: status, the app's issue panel (its Custom UI page: state, reveal, revoke), approvals,
 * transitions and the comment timeline.
 */
export function TicketPage(props: { user: DemoUser; issueKey: string; theme: Theme; panel: CustomUiPage | undefined }) {
  const { user, issueKey } = props;
  const [issue, setIssue] = useState<Issue | null>(null);
  const [approvals, setApprovals] = useState<Approval[]>([]);
  const [transitions, setTransitions] = useState<Transition[]>([]);
  const [comments, setComments] = useState<Comment[]>([]);
  const [notice, setNotice] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);

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
  const grant = issue?.properties['jit-access'];

  if (issue === null) return h('section', { className: 'page' }, notice ? el(SectionMessage, { appearance: 'error' }, notice.text) : 'Loading…');
  return h(
    'section',
    { className: 'page ticket' },
    el(Heading, { size: 'large' }, `${issue.key} · ${issue.fields.summary}`),
    h('p', null, 'Status ', h('span', { 'data-testid': 'ticket-status' }, el(Lozenge, { appearance: statusAppearance(issue.fields.status.name), isBold: true }, issue.fields.status.name))),
    h(
      'div',
      // The state the page last read: the panel's frame reloads when it changes, as Jira reloads an issue panel.
      { className: 'panel', 'data-grant-state': grant?.state ?? 'none' },
      el(Heading, { size: 'small' }, props.panel?.title || 'Database access'),
      props.panel
        ? // Jira reloads an issue panel when the issue changes; here, when the app's state of the ticket does.
          h(CustomUiFrame, { key: grant?.state ?? 'none', src: pageUrl(props.panel, user, props.theme, issue.key), title: props.panel.title || 'Database access', minHeight: 420, testId: props.user.isAgent ? 'issue-panel' : 'portal-request-panel' })
        : h('p', null, 'The app declares no issue panel.'),
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
            h('div', { className: 'meta' }, el(Lozenge, { appearance: comment.jsdPublic ? 'new' : 'default' }, comment.jsdPublic ? 'Reply to customer' : 'Internal note'), ` ${comment.author.displayName} · ${readableTime(comment.created)}`),
            h('pre', null, adfText(comment.body)),
          ),
        ),
      ),
    ),
  );
}
