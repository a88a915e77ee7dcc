import { adfToText } from '../../src/core';
import { activityComment, TABLES_SHOWN } from '../../src/app/flow/activity-digest';

const digest = { sessions: 3, statements: 120, byKind: { read: 100, write: 15, ddl: 2, other: 3 }, blocked: 1, errors: 4, first: '2026-11-21T11:00:00.000Z', last: '2026-11-21T11:30:00.000Z' };

describe('the ticket comment of a gateway grant', () => {
  it('names at most the first tables and counts the rest', () => {
    const tables = Array.from({ length: TABLES_SHOWN + 7 }, (_, index) => `public.t${String(index).padStart(3, '0')}`);
    const text = adfToText(activityComment('SD-9.1', { ...digest, tables }));
    expect(text).toContain(`Tables touched: ${tables.slice(0, TABLES_SHOWN).join(', ')} and 7 more`);
    expect(text).not.toContain(tables[TABLES_SHOWN]);
  });

  it('says when no statement was run', () => {
    const text = adfToText(activityComment('SD-9.2', { ...digest, sessions: 1, statements: 0, byKind: { read: 0, write: 0, ddl: 0, other: 0 }, tables: [], blocked: 0, errors: 0, first: null, last: null }));
    expect(text.split('\n')).toEqual([
      'Database activity under grant SD-9.2, through the SQL gateway:',
      'Sessions: 1',
      'Statements: 0 (read 0, write 0, DDL 0, other 0)',
      'Tables touched: none',
      'Refused statements: 0',
      'Errors: 0',
      'No statement was run.',
    ]);
  });
});
