/// <reference lib="dom" />
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import { el } from './element';
import { createElement as h, useState } from 'react';
import { call, errorText, type DemoUser, type SandboxInfo } from './api';

type Table = { columns: string[]; rows: unknown[][]; rowCount: number; truncated: boolean };
export type ConsoleDraft = { target: string; username: string; password: string };

/** Runs SQL with the credential the requester pasted; the sandbox checks it like the database would. */
export function ConsolePage(props: { user: DemoUser; info: SandboxInfo; draft: ConsoleDraft; onDraft(draft: ConsoleDraft): void }) {
  const { draft } = props;
  const [sql, setSql] = useState('SELECT id, name, country FROM shop.customers ORDER BY id');
  const [table, setTable] = useState<Table | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    const result = await call(props.user, 'POST', '/sandbox/api/sql', { ...draft, sql });
    if (result.status === 200) {
      setTable(result.body as Table);
      setError(null);
    } else {
      setTable(null);
      setError(errorText(result));
    }
  };
  const set = (key: keyof ConsoleDraft) => (event: { currentTarget: { value: string } }) => props.onDraft({ ...draft, [key]: event.currentTarget.value });
  return h(
    'section',
    { className: 'page' },
    el(Heading, { size: 'large' }, 'SQL console'),
    h('p', null, 'Paste the credential you revealed on your ticket. It works until access ends.'),
    h(
      'div',
      { className: 'form-row' },
      h('label', { htmlFor: 'console-target' }, 'Database'),
      h(
        'select',
        { id: 'console-target', 'data-testid': 'console-target', className: 'native-select', value: draft.target, onChange: (event: { target: { value: string } }) => props.onDraft({ ...draft, target: event.target.value }) },
        props.info.targets.map((target) => h('option', { key: target.id, value: target.id }, `${target.id} (${target.environment})`)),
      ),
    ),
    h('div', { className: 'form-row' }, h('label', { htmlFor: 'console-username' }, 'Username'), h(Textfield, { id: 'console-username', testId: 'console-username', value: draft.username, onChange: set('username') })),
    h('div', { className: 'form-row' }, h('label', { htmlFor: 'console-password' }, 'Password'), h(Textfield, { id: 'console-password', testId: 'console-password', type: 'password', value: draft.password, onChange: set('password') })),
    h('div', { className: 'form-row' }, h('label', { htmlFor: 'console-sql' }, 'SQL'), h(TextArea, { id: 'console-sql', testId: 'console-sql', value: sql, onChange: (event: { currentTarget: { value: string } }) => setSql(event.currentTarget.value), minimumRows: 3 })),
    el(Button, { appearance: 'primary', onClick: () => void run(), testId: 'console-run' }, 'Run'),
    error ? el(SectionMessage, { appearance: 'error' }, h('p', { 'data-testid': 'console-error' }, error)) : null,
    table
      ? h(
          'table',
          { className: 'queue', 'data-testid': 'console-result' },
          h('thead', null, h('tr', null, table.columns.map((column) => h('th', { key: column }, column)))),
          h('tbody', null, table.rows.map((row, index) => h('tr', { key: index }, row.map((cell, column) => h('td', { key: column }, cell === null ? 'NULL' : String(cell)))))),
        )
      : null,
  );
}
