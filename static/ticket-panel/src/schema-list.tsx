import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { quoteName, tableName, type Engine, type Schema } from './complete-statement';

/**
 * The schema hints beside the console's editor: the tables and columns the grant may use on its target, as the
 * database's privileges show them to its login, masked columns marked. Choosing a name adds it to the statement.
 */
export function SchemaList({ schema, engine, onPick }: { schema: Schema; engine: Engine; onPick(name: string): void }) {
  return (
    <section aria-labelledby="schema-list-heading" data-testid="schema-list" style={{ maxHeight: 320, overflowY: 'auto' }}>
      <Stack space="space.100">
        <Heading size="xxsmall" as="h4" id="schema-list-heading">
          Tables you can use
        </Heading>
        {schema.tables.length === 0 ? (
          <Text color="color.text.subtle">This access sees no tables on the target.</Text>
        ) : (
          <Text color="color.text.subtle" size="small">
            Choose a name to add it to the statement.
          </Text>
        )}
        {schema.tables.map((table) => {
          const name = tableName(table, schema, engine);
          return (
            <Stack key={`${table.schema}.${table.name}`} space="space.050" testId={`schema-table-${name}`}>
              <Inline>
                <Button appearance="subtle" spacing="compact" onClick={() => onPick(name)} aria-label={`Add table ${name}`}>
                  <strong>{name}</strong>
                </Button>
              </Inline>
              <ul aria-label={`Columns of ${name}`} style={{ margin: 0, paddingInlineStart: 16, listStyle: 'none' }}>
                {table.columns.map((column) => (
                  <li key={column.name}>
                    <Inline space="space.050" alignBlock="center">
                      <Button appearance="subtle" spacing="compact" onClick={() => onPick(quoteName(column.name, engine))} aria-label={`Add column ${column.name}${column.masked ? ' (masked)' : ''}`}>
                        {column.name}
                      </Button>
                      <Text color="color.text.subtlest" size="small">
                        {column.type}
                      </Text>
                      {column.masked && <Lozenge appearance="moved">{`masked: ${column.masked}`}</Lozenge>}
                    </Inline>
                  </li>
                ))}
              </ul>
            </Stack>
          );
        })}
        {schema.truncated && <Text color="color.text.subtle">{`Only the first ${schema.tables.reduce((sum, table) => sum + table.columns.length, 0)} columns are listed.`}</Text>}
      </Stack>
    </section>
  );
}
