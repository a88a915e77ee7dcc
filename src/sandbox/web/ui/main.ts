/// <reference lib="dom" />
import '@atlaskit/css-reset';
import { createElement as h, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { loadInfo, type DemoUser, type SandboxInfo } from './api';
import { pageOfType } from './custom-ui-frame';
import { PortalPage } from './portal-page';
import { QueuePage } from './queue-page';
import { SettingsPage } from './settings-page';
import './styles.css';
import { applyTheme, savedTheme, type Theme } from './theme';
import { TicketPage } from './ticket-page';

type Route = { page: 'portal' } | { page: 'queue' } | { page: 'ticket'; key: string } | { page: 'settings' };

/** The pages Jira's REST `_links` name (`agent`: /browse/KEY, `web`: the customer portal's request) open the ticket. */
const LINKED_TICKET = /^\/(?:browse|servicedesk\/customer\/portal\/\d+)\/([A-Z][A-Z0-9]+-\d+)$/;

function readRoute(): Route {
  const linked = LINKED_TICKET.exec(window.location.pathname);
  if (linked?.[1] && window.location.hash === '') return { page: 'ticket', key: linked[1] };
  const hash = window.location.hash.replace(/^#\/?/, '');
  const ticket = /^ticket\/([A-Z][A-Z0-9]+-\d+)$/.exec(hash);
  if (ticket?.[1]) return { page: 'ticket', key: ticket[1] };
  if (hash === 'queue' || hash === 'settings') return { page: hash };
  return { page: 'portal' };
}

function App() {
  const [info, setInfo] = useState<SandboxInfo | null>(null);
  const [user, setUser] = useState<DemoUser | null>(null);
  const [route, setRoute] = useState<Route>(readRoute);
  const [theme, setTheme] = useState<Theme>(savedTheme);
  useEffect(() => void applyTheme(theme), [theme]);
  useEffect(() => {
    void loadInfo().then((loaded) => {
      setInfo(loaded);
      const saved = window.localStorage.getItem('sandbox-user');
      setUser(loaded.users.find((candidate) => candidate.email === saved) ?? loaded.users[0] ?? null);
    });
    const onHash = () => setRoute(readRoute());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (info === null || user === null) return h('p', null, 'Loading the sandbox…');
  const go = (hash: string) => () => (window.location.hash = hash);
  const nav = (label: string, hash: string, active: boolean) => h('a', { key: hash, href: hash, className: active ? 'active' : '', onClick: go(hash) }, label);
  return h(
    'div',
    { className: 'shell' },
    h(
      'header',
      null,
      h('strong', null, 'JIT database access · sandbox'),
      h(
        'nav',
        null,
        nav('Portal', '#/portal', route.page === 'portal'),
        nav('Queue', '#/queue', route.page === 'queue' || route.page === 'ticket'),
        user.isAdmin ? nav('App settings', '#/settings', route.page === 'settings') : null,
      ),
      h(
        'button',
        { type: 'button', className: 'theme-toggle', 'data-testid': 'theme-toggle', 'aria-pressed': theme === 'dark', onClick: () => setTheme(theme === 'dark' ? 'light' : 'dark') },
        theme === 'dark' ? 'Dark theme: on' : 'Dark theme: off',
      ),
      h(
        'label',
        { className: 'user-picker' },
        'Signed in as ',
        h(
          'select',
          {
            'data-testid': 'user-picker',
            value: user.email,
            onChange: (event: { target: { value: string } }) => {
              const next = info.users.find((candidate) => candidate.email === event.target.value);
              if (next) {
                window.localStorage.setItem('sandbox-user', next.email);
                setUser(next);
              }
            },
          },
          info.users.map((candidate) => h('option', { key: candidate.email, value: candidate.email }, `${candidate.displayName} — ${candidate.role}`)),
        ),
      ),
    ),
    h(
      'main',
      null,
      route.page === 'portal' ? h(PortalPage, { user, info, theme, onRaised: (key: string) => (window.location.hash = `#/ticket/${key}`) }) : null,
      route.page === 'queue' ? h(QueuePage, { user, refresh: 0, onOpen: (key: string) => (window.location.hash = `#/ticket/${key}`) }) : null,
      route.page === 'ticket' ? h(TicketPage, {
            user,
            issueKey: route.key,
            theme,
            // Agents see the app's issue panel; a portal customer sees its portal request view, as in JSM.
            panel: pageOfType(info.pages, user.isAgent ? 'jira:issuePanel' : 'jiraServiceManagement:portalRequestDetail'),
          }) : null,
      route.page === 'settings' ? h(SettingsPage, { user, info, theme }) : null,
    ),
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(h(App));
