import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { useEffect, useState } from 'react';
import type { ResolverResult } from '../../../src/app/resolvers/contracts';
import { useServices } from '../../shared/app-context';
import { ErrorBanner } from '../../shared/ui/messages';
import { TextAreaInput } from '../../shared/ui/fields';
import { completeStatement, type Engine, type Schema } from './complete-statement';
import { resultCsv } from './result-csv';
import { SchemaList } from './schema-list';

type Answer = ResolverResult<'runQuery'>;
type Rows = Extract<Answer, { outcome: 'rows' }>;

/**
 * The SQL console of the ticket: one statement at a time, run as the grant through the SQL gateway (its
 * guards and masking apply, and the connector records it). Shown to the requester while access is active,
 * and only on a target behind the gateway: it asks once for the activity digest, which only such a target has,
 * and then for the schema the grant sees, its hints: a list beside the editor and completions of the word typed.
 */
export function SqlConsole({ engine }: { engine: Engine }) {
  const { client } = useServices();
  const [gateway, setGateway] = useState(false);
  const [schema, setSchema] = useState<Schema>();
  const [sql, setSql] = useState('');
  const [running, setRunning] = useState(false);
  const [answer, setAnswer] = useState<Answer>();
  // The statement whose result is shown: a download runs that one again, for the record.
  const [ran, setRan] = useState('');
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let stopped = false;
    client.call('getActivity', {}).then(
      (activity) => !stopped && setGateway(activity.digest !== null),
      () => undefined,
    );
    return () => {
      stopped = true;
    };
  }, [client]);
  useEffect(() => {
    if (!gateway) return;
    let stopped = false;
    client.call('getSchema', {}).then(
      (answer) => !stopped && setSchema(answer),
      () => undefined,
    );
    return () => {
      stopped = true;
    };
  }, [client, gateway]);
  if (!gateway) return null;

  const completions = schema ? completeStatement(sql, schema, engine) : [];
  const pick = (name: string) => setSql((typed) => (typed === '' || /[\s(,.]$/.test(typed) ? typed : `${typed} `) + name);

  const run = async () => {
    setRunning(true);
    setError(undefined);
    setAnswer(undefined);
    try {
      setAnswer(await client.call('runQuery', { sql }));
      setRan(sql);
    } catch (failure) {
      setError(failure);
    } finally {
      setRunning(false);
    }
  };

  /** Runs the shown statement again as a download (the connector records it as an export) and saves its rows as CSV. */
  const download = async () => {
    setRunning(true);
    setError(undefined);
    try {
      const exported = await client.call('runQuery', { sql: ran, export: true });
      if (exported.outcome === 'refused') setAnswer(exported);
      else saveFile('result.csv', resultCsv(exported.columns, exported.rows));
    } catch (failure) {
      setError(failure);
    } finally {
      setRunning(false);
    }
  };

  return (
    <Stack space="space.100" testId="sql-console">
      <Heading size="xsmall" as="h3">
        SQL console
      </Heading>
      <Text color="color.text.subtle">Runs one statement as this access, with its rules and masking; every statement is recorded. At most 500 rows are shown.</Text>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16, alignItems: 'flex-start' }}>
        <div style={{ flex: '2 1 280px', minWidth: 0 }}>
          <TextAreaInput label="Statement" value={sql} onChange={setSql} rows={3} />
          {completions.length > 0 && (
            <div role="group" aria-label="Complete the name" data-testid="sql-completions">
              <Inline space="space.050" shouldWrap alignBlock="center">
                <Text color="color.text.subtle" size="small">
                  Complete:
                </Text>
                {completions.map((completion) => (
                  <Button key={completion.label} spacing="compact" onClick={() => setSql(completion.statement)}>
                    {completion.masked ? `${completion.label} (masked)` : completion.label}
                  </Button>
                ))}
              </Inline>
            </div>
          )}
        </div>
        {schema && (
          <div style={{ flex: '1 1 200px', minWidth: 0 }}>
            <SchemaList schema={schema} engine={engine} onPick={pick} />
          </div>
        )}
      </div>
      <Inline>
        <Button appearance="primary" isDisabled={sql.trim() === '' || running} isLoading={running} onClick={() => void run()}>
          Run
        </Button>
      </Inline>
      <ErrorBanner error={error} title="The statement could not be run" />
      {answer?.outcome === 'refused' && (
        <div role="alert" data-testid="sql-refused">
          <SectionMessage appearance="error" title="Refused">
            <p>{answer.message}</p>
          </SectionMessage>
        </div>
      )}
      {answer?.outcome === 'rows' && <Results result={answer} />}
      {answer?.outcome === 'rows' && answer.exportable && answer.columns.length > 0 && (
        <Inline>
          <Button isDisabled={running} onClick={() => void download()}>
            Download CSV
          </Button>
        </Inline>
      )}
    </Stack>
  );
}

function Results({ result }: { result: Rows }) {
  const count = result.rowCount === null ? 'Done.' : `${result.rowCount} ${result.rowCount === 1 ? 'row' : 'rows'}.`;
  return (
    <Stack space="space.100">
      <Text testId="sql-summary">{result.truncated ? `${count} Only the first ${result.rows.length} are shown.` : count}</Text>
      {result.truncated && (
        <SectionMessage appearance="warning" title="Cut off">
          <p>{`The result was cut off at ${result.rows.length} rows. Narrow the statement (a WHERE or LIMIT) to see the rest.`}</p>
        </SectionMessage>
      )}
      {result.columns.length > 0 && (
        <div style={{ overflowX: 'auto' }} data-testid="sql-rows">
          <DynamicTable
            label="Statement result"
            head={{ cells: result.columns.map((column, index) => ({ key: String(index), content: column.name })) }}
            rows={result.rows.map((row, rowIndex) => ({
              key: String(rowIndex),
              cells: row.map((value, index) => ({ key: String(index), content: value === null ? <Text color="color.text.subtlest">NULL</Text> : value })),
            }))}
          />
        </div>
      )}
    </Stack>
  );
}

function saveFile(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
