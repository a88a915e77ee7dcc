import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { useState } from 'react';
import { contracts } from '../../../src/app/resolvers/contracts';
import { useServices } from '../../shared/app-context';
import { validate, type FieldErrors } from '../../shared/field-errors';
import { downloadText } from '../../shared/ui/download';
import { TextInput } from '../../shared/ui/fields';
import { ErrorBanner } from '../../shared/ui/messages';
import { useAction } from '../../shared/ui/use-action';
import { NoWrap } from '../../shared/ui/no-wrap';
import { endedAs, readableTime, toCsv, toJson, type AuditRow } from './audit-export';

const day = (date: Date) => date.toISOString().slice(0, 10);

/** Grants requested in a date range (UTC days, both included), page by page, exportable as CSV and JSON. */
export function AuditTab() {
  const { client } = useServices();
  const [from, setFrom] = useState(day(new Date(Date.now() - 30 * 86_400_000)));
  const [to, setTo] = useState(day(new Date()));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [rows, setRows] = useState<AuditRow[]>();
  const [cursor, setCursor] = useState<string>();
  const load = useAction(async (more: boolean) => {
    const payload = { from: `${from}T00:00:00.000Z`, to: `${to}T23:59:59.999Z`, ...(more && cursor ? { cursor } : {}) };
    const checked = validate(contracts.auditGrants.payload, payload);
    if (!checked.ok) {
      setErrors({ from: checked.errors.from ?? '', to: checked.errors.to ?? '' });
      return;
    }
    if (Date.parse(payload.from) > Date.parse(payload.to)) {
      setErrors({ to: 'The end date is before the start date.' });
      return;
    }
    setErrors({});
    const page = await client.call('auditGrants', checked.data);
    setRows((current) => [...(more ? (current ?? []) : []), ...page.rows]);
    setCursor(page.cursor);
  });
  return (
    <Stack space="space.200">
      <Heading size="medium" as="h2">
        Audit
      </Heading>
      <form
        aria-label="Audit range"
        onSubmit={(event) => {
          event.preventDefault();
          void load.run(false);
        }}
      >
        <Inline space="space.200" alignBlock="end" shouldWrap>
          <TextInput label="From (UTC)" type="date" value={from} onChange={setFrom} error={errors.from || undefined} />
          <TextInput label="To (UTC)" type="date" value={to} onChange={setTo} error={errors.to || undefined} />
          <Button type="submit" appearance="primary" isLoading={load.busy}>
            Show grants
          </Button>
        </Inline>
      </form>
      <ErrorBanner error={load.error} />
      {rows && (
        <>
          <Inline space="space.100">
            <Button onClick={() => downloadText(`jit-audit-${from}-${to}.csv`, toCsv(rows), 'text/csv')}>Export CSV</Button>
            <Button onClick={() => downloadText(`jit-audit-${from}-${to}.json`, toJson(rows), 'application/json')}>Export JSON</Button>
            {cursor && <Button onClick={() => void load.run(true)}>Load more</Button>}
          </Inline>
          <Text>{rows.length === 1 ? '1 grant' : `${rows.length} grants`}</Text>
          <DynamicTable
            label="Grants in the range"
            emptyView={<Text>No grants were requested in this range.</Text>}
            head={{ cells: ['Ticket', 'Requester', 'Approvers', 'Target', 'Level', 'Start', 'End', 'How it ended'].map((content) => ({ key: content, content })) }}
            testId="audit-table"
            rows={rows.map((row) => ({
              key: row.ticket,
              cells: [
                { key: 'ticket', content: <NoWrap>{row.ticket}</NoWrap> },
                { key: 'requester', content: row.requesterName },
                { key: 'approvers', content: row.approverNames.length ? row.approverNames.join(', ') : row.rule ? `policy: ${row.rule}` : '—' },
                { key: 'target', content: <NoWrap>{row.target}</NoWrap> },
                { key: 'level', content: <NoWrap>{row.accessLevel}</NoWrap> },
                { key: 'start', content: readableTime(row.notBefore) || '—' },
                { key: 'end', content: row.notBefore ? readableTime(row.endedAt ?? row.notAfter) : '—' },
                { key: 'ended', content: endedAs(row) },
              ],
            }))}
          />
        </>
      )}
    </Stack>
  );
}
