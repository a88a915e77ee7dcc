/// <reference lib="dom" />
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { el } from './element';
import { createElement as h, useEffect, useState } from 'react';
import { call, type DemoUser } from './api';

type Row = { issueKey: string; summary: string; status: string; reporter: string };
type Request = { issueKey: string; currentStatus: { status: string }; reporter: { displayName: string }; requestFieldValues: { fieldId: string; value: unknown }[] };

export function statusAppearance(status: string): 'success' | 'inprogress' | 'removed' | 'moved' | 'default' {
  if (status === 'Access granted' || status === 'Approved') return 'success';
  if (status === 'Waiting for approval') return 'moved';
  if (/declined|denied|failed/i.test(status)) return 'removed';
  return 'default';
}

/** The queue: the open requests the signed-in user may see (an agent: all of them; a customer: their own), newest first. */
export function QueuePage(props: { user: DemoUser; refresh: number; onOpen(key: string): void }) {
  const [rows, setRows] = useState<Row[]>([]);
  useEffect(() => {
    const load = () =>
      void call(props.user, 'GET', '/rest/servicedeskapi/request?requestStatus=OPEN_REQUESTS&limit=50').then((result) => {
        const values = (result.body as { values?: Request[] }).values ?? [];
        setRows(
          values
            .map((request) => ({
              issueKey: request.issueKey,
              summary: String(request.requestFieldValues.find((field) => field.fieldId === 'summary')?.value ?? ''),
              status: request.currentStatus.status,
              reporter: request.reporter.displayName,
            }))
            .reverse(),
        );
      });
    load();
    const timer = setInterval(load, 3000);
    return () => clearInterval(timer);
  }, [props.user, props.refresh]);
  return h(
    'section',
    { className: 'page' },
    el(Heading, { size: 'large' }, props.user.isAgent ? 'Queue · All open requests' : 'My open requests'),
    h(
      'table',
      { className: 'queue', 'data-testid': 'queue' },
      h('thead', null, h('tr', null, ['Key', 'Summary', 'Reporter', 'Status'].map((label) => h('th', { key: label }, label)))),
      h(
        'tbody',
        null,
        rows.map((row) =>
          h(
            'tr',
            { key: row.issueKey },
            h('td', null, h('a', { href: `#/ticket/${row.issueKey}`, onClick: () => props.onOpen(row.issueKey) }, row.issueKey)),
            h('td', null, row.summary),
            h('td', null, row.reporter),
            h('td', null, el(Lozenge, { appearance: statusAppearance(row.status) }, row.status)),
          ),
        ),
      ),
    ),
    rows.length === 0 ? h('p', null, 'No open requests.') : null,
  );
}
