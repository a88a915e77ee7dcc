/// <reference lib="dom" />
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import { createElement as h } from 'react';
import type { DemoUser, SandboxInfo } from './api';
import { CustomUiFrame, pageOfType, pageUrl } from './custom-ui-frame';
import { el } from './element';
import type { Theme } from './theme';

/** Jira's Apps → Manage apps → the app's admin page (jira:adminPage), for Jira administrators only. */
export function SettingsPage(props: { user: DemoUser; info: SandboxInfo; theme: Theme }) {
  const page = pageOfType(props.info.pages, 'jira:adminPage');
  const admin = props.info.users.find((candidate) => candidate.isAdmin);
  let body;
  if (page === undefined) body = h('p', null, 'The app declares no admin page.');
  else if (!props.user.isAdmin) {
    body = el(SectionMessage, { appearance: 'warning' }, h('p', null, `Only Jira administrators can open the app settings. Switch the user picker to ${admin?.displayName ?? 'an administrator'}.`));
  } else body = h(CustomUiFrame, { src: pageUrl(page, props.user, props.theme), title: page.title || 'App settings', minHeight: 640, testId: 'admin-page' });
  return h('section', { className: 'page' }, el(Heading, { size: 'large' }, `Apps · ${page?.title || 'App settings'}`), body);
}
