/// <reference lib="dom" />
import { createElement as h, useEffect, useRef } from 'react';
import type { CustomUiPage, DemoUser } from './api';
import type { Theme } from './theme';

/** The module of a Custom UI page type (jira:adminPage, jira:issuePanel) the app declares, if any. */
export function pageOfType(pages: readonly CustomUiPage[], type: string): CustomUiPage | undefined {
  return pages.find((page) => page.type === type);
}

/** Where the sandbox serves a module's page for this user, ticket and theme (src/sandbox/web/custom-ui.ts). */
export function pageUrl(page: CustomUiPage, user: DemoUser, theme: Theme, issueKey?: string, requestType?: string): string {
  const query = new URLSearchParams({ as: user.email, theme, ...(issueKey === undefined ? {} : { issue: issueKey }), ...(requestType === undefined ? {} : { requestType }) });
  return `/app/${encodeURIComponent(page.moduleKey)}/?${query.toString()}`;
}

/**
 * An app page in an iframe, as Jira renders Custom UI: grown to fit the page's content (the frame is on
 * the same origin, so its document can be measured), never below `minHeight` so a modal dialog fits.
 */
export function CustomUiFrame(props: { src: string; title: string; minHeight: number; testId: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  useEffect(() => {
    const element = frame.current;
    if (element === null) return undefined;
    let observer: ResizeObserver | undefined;
    const fit = () => {
      const content = element.contentDocument?.getElementById('root') ?? element.contentDocument?.body;
      if (content) element.style.height = `${Math.max(props.minHeight, Math.ceil(content.getBoundingClientRect().bottom) + 16)}px`;
    };
    const onLoad = () => {
      observer?.disconnect();
      const view = element.contentWindow as (Window & typeof globalThis) | null;
      const content = element.contentDocument?.getElementById('root') ?? element.contentDocument?.body;
      if (view === null || !content) return;
      observer = new view.ResizeObserver(fit);
      observer.observe(content);
      fit();
    };
    element.addEventListener('load', onLoad);
    return () => {
      element.removeEventListener('load', onLoad);
      observer?.disconnect();
    };
  }, [props.minHeight]);
  return h('iframe', { ref: frame, src: props.src, title: props.title, className: 'custom-ui-frame', 'data-testid': props.testId, style: { height: `${props.minHeight}px` } });
}
