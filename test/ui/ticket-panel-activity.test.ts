/**
 * @jest-environment ./test/ui/support/jsdom-with-node.ts
 */
import { stubDesignSystemStyles } from './support/stub-styles';
stubDesignSystemStyles();
import { cleanup, screen, waitFor } from '@testing-library/react';
import type { AppUnderTest } from '../app/support/install-app';
import { raise } from '../app/support/ticket';
import { ACTIVITY_REFRESH_MS, activityLine } from '../../static/ticket-panel/src/activity-count';
import { startAppForPage, stopAppForPage } from './support/app-for-page';
import { emulatorBridge } from './support/emulator-bridge';
import { renderPage } from './support/render-page';

jest.setTimeout(60_000);

const digest = (fields: { statements: number; write?: number; ddl?: number; blocked?: number; errors?: number; tables?: string[] }) => ({
  sessions: 1,
  statements: fields.statements,
  byKind: { read: fields.statements - (fields.write ?? 0) - (fields.ddl ?? 0), write: fields.write ?? 0, ddl: fields.ddl ?? 0, other: 0 },
  tables: fields.tables ?? [],
  blocked: fields.blocked ?? 0,
  errors: fields.errors ?? 0,
  first: null,
  last: null,
});

describe('the activity line of the ticket panel', () => {
  it.each([
    [digest({ statements: 0 }), 'No statement run yet.'],
    [digest({ statements: 1 }), '1 statement.'],
    [digest({ statements: 14, write: 2, tables: ['public.orders'] }), '14 statements, 2 writes; table public.orders.'],
    [digest({ statements: 9, write: 1, ddl: 2, blocked: 1, errors: 3, tables: ['a.t1', 'a.t2', 'a.t3', 'a.t4', 'a.t5'] }), '9 statements, 1 write, 2 schema changes, 1 refused, 3 failed; tables a.t1, a.t2, a.t3 and 2 more.'],
  ])('%j reads %s', (input, line) => {
    expect(activityLine(input)).toBe(line);
  });
});

/**
 * The count on a gateway target is test/app/activity-resolver.test.ts (the connector's gateway does not run
 * inside jsdom's realm); here the panel asks once for a direct target, shows nothing, and stops asking.
 */
describe('the ticket panel on a direct target', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await startAppForPage();
  });
  afterEach(cleanup);
  afterAll(() => stopAppForPage(app));

  it('asks for the count once, shows none, and does not ask again', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    const asked = () => site.runtime.inspect.invocations().filter((invocation) => invocation.detail.includes('getActivity')).length;
    const before = asked();
    renderPage('panel', emulatorBridge(site, site.people.agent, key));
    await waitFor(() => expect(screen.getByTestId('grant-state').textContent).toBe('Active'), { timeout: 10_000 });
    await waitFor(() => expect(asked()).toBe(before + 1), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, ACTIVITY_REFRESH_MS + 1_000));
    expect(asked()).toBe(before + 1);
    expect(screen.queryByTestId('activity-count')).toBeNull();
  });
});
