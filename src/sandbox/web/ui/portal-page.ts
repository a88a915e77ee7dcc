/// <reference lib="dom" />
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import { el } from './element';
import { createElement as h, useEffect, useRef, useState } from 'react';
import { call, errorText, type DemoUser, type SandboxInfo } from './api';
import { CustomUiFrame, pageOfType, pageUrl } from './custom-ui-frame';
import type { Theme } from './theme';

type Field = { fieldId: string; name: string; required: boolean; description: string; validValues: { value: string; label: string }[]; jiraSchema: { type: string; custom?: string } };
type RequestType = { id: string; name: string; description: string };
/** What an app's create-form panel last handed over with `view.submit`. */
type PanelSubmission = { fields: { key: string; value: unknown }[]; isValid: boolean };

function panelSubmission(data: unknown): PanelSubmission | undefined {
  const message = data as { type?: unknown; payload?: { fields?: unknown; isValid?: unknown } } | null;
  if (message?.type !== 'jit-portal-form:submit' || !Array.isArray(message.payload?.fields) || typeof message.payload.isValid !== 'boolean') return undefined;
  return { fields: message.payload.fields as PanelSubmission['fields'], isValid: message.payload.isValid };
}

/**
 * The customer portal: request types and their fields from the REST API, and, as JSM's create screen does,
 * the app's create-form panel (jiraServiceManagement:portalRequestCreatePropertyPanel) in a frame. The
 * panel's answers reach JSM as issue properties with the request; Send is held back while the panel says
 * they are not valid. The app's own text fields stay for REST clients and are left to the panel here.
 */
export function PortalPage(props: { user: DemoUser; info: SandboxInfo; theme: Theme; onRaised(key: string): void }) {
  const { user, info, theme } = props;
  const [types, setTypes] = useState<RequestType[]>([]);
  const [typeId, setTypeId] = useState<string>('');
  const [fields, setFields] = useState<Field[]>([]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string[] } | null>(null);
  const submission = useRef<PanelSubmission | undefined>(undefined);
  const panel = pageOfType(info.pages, 'jiraServiceManagement:portalRequestCreatePropertyPanel');
  const panelFields = new Set(panel ? Object.values(info.fields) : []);

  useEffect(() => {
    void call(user, 'GET', `/rest/servicedeskapi/servicedesk/${info.serviceDeskId}/requesttype`).then((result) => {
      const list = (result.body as { values: RequestType[] }).values;
      setTypes(list);
      setTypeId((current) => current || (list[0]?.id ?? ''));
    });
  }, [user, info.serviceDeskId]);
  useEffect(() => {
    if (!typeId) return;
    submission.current = undefined;
    setMessage(null);
    void call(user, 'GET', `/rest/servicedeskapi/servicedesk/${info.serviceDeskId}/requesttype/${typeId}/field`).then((result) => {
      setFields((result.body as { requestTypeFields: Field[] }).requestTypeFields);
      setValues({});
    });
  }, [user, info.serviceDeskId, typeId]);
  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== window.location.origin) return;
      const submitted = panelSubmission(event.data);
      if (submitted) submission.current = submitted;
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, []);

  const shownFields = fields.filter((field) => !panelFields.has(field.fieldId));
  const submit = async () => {
    // Every problem at once: the portal's own required fields, then the panel's verdict.
    const missing = shownFields.filter((field) => field.required && (values[field.fieldId] ?? '').trim() === '').map((field) => `${field.name}: this field is required.`);
    const panelState = submission.current;
    const panelProblem = panel && (!panelState || !panelState.isValid) ? ['Database access: some answers need attention (see the list in that section).'] : [];
    if (missing.length + panelProblem.length > 0) return setMessage({ kind: 'error', text: [...missing, ...panelProblem] });
    const requestFieldValues = Object.fromEntries(
      shownFields
        .filter((field) => (values[field.fieldId] ?? '') !== '')
        .map((field) => [field.fieldId, field.validValues.length > 0 ? { value: values[field.fieldId] } : values[field.fieldId]]),
    );
    const request = { serviceDeskId: info.serviceDeskId, requestTypeId: typeId, requestFieldValues };
    const result = await call(user, 'POST', '/sandbox/api/portal/request', { request, properties: panelState?.fields ?? [] });
    if (result.status !== 201) return setMessage({ kind: 'error', text: [errorText(result)] });
    const key = (result.body as { issueKey: string }).issueKey;
    setMessage({ kind: 'success', text: [`Raised ${key}.`] });
    props.onRaised(key);
  };

  const input = (field: Field) => {
    const value = values[field.fieldId] ?? '';
    const set = (next: string) => setValues({ ...values, [field.fieldId]: next });
    const label = `${field.name}${field.required ? ' *' : ''}`;
    const id = `field-${field.fieldId}`;
    const control =
      field.validValues.length > 0
        ? h('select', { id, 'data-testid': id, value, onChange: (event: { target: { value: string } }) => set(event.target.value), className: 'native-select' }, [
            h('option', { key: '', value: '' }, 'Choose…'),
            ...field.validValues.map((option) => h('option', { key: option.value, value: option.label }, option.label)),
          ])
        : field.jiraSchema.custom?.endsWith(':textarea')
          ? h(TextArea, { id, testId: id, value, onChange: (event: { currentTarget: { value: string } }) => set(event.currentTarget.value) })
          : h(Textfield, { id, testId: id, value, onChange: (event: { currentTarget: { value: string } }) => set(event.currentTarget.value) });
    return h('div', { key: field.fieldId, className: 'form-row' }, h('label', { htmlFor: id }, label), control, field.description ? h('small', null, field.description) : null);
  };

  return h(
    'section',
    { className: 'page' },
    el(Heading, { size: 'large' }, 'Database Access · Help center'),
    h('p', null, 'Raise a request for temporary database access. Policy decides: automatic, approval by a DBA lead, or denied.'),
    h(
      'div',
      { className: 'request-types' },
      types.map((type) =>
        el(Button, { key: type.id, appearance: type.id === typeId ? 'primary' : 'default', onClick: () => setTypeId(type.id), testId: `request-type-${type.id}` }, type.name),
      ),
    ),
    h(
      'form',
      { className: 'portal-form', noValidate: true, onSubmit: (event: { preventDefault(): void }) => (event.preventDefault(), void submit()) },
      shownFields.map(input),
      panel && typeId
        ? h(CustomUiFrame, { key: `${typeId}-${user.email}-${theme}`, src: pageUrl(panel, user, theme, undefined, typeId), title: panel.title || 'App form', minHeight: 200, testId: 'portal-form-panel' })
        : null,
      el(Button, { type: 'submit', appearance: 'primary', testId: 'raise' }, 'Send'),
    ),
    message
      ? el(
          SectionMessage,
          { appearance: message.kind === 'error' ? 'error' : 'success' },
          h('div', { 'data-testid': 'portal-message', role: message.kind === 'error' ? 'alert' : 'status' }, message.text.map((line) => h('p', { key: line }, line))),
        )
      : null,
  );
}
