/// <reference lib="dom" />
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import { el } from './element';
import { createElement as h, useEffect, useState } from 'react';
import { call, errorText, type DemoUser, type SandboxInfo } from './api';

type Field = { fieldId: string; name: string; required: boolean; description: string; validValues: { value: string; label: string }[]; jiraSchema: { type: string; custom?: string } };
type RequestType = { id: string; name: string; description: string };

/** The customer portal: request types and their fields from the REST API, raised as the signed-in user. */
export function PortalPage(props: { user: DemoUser; info: SandboxInfo; onRaised(key: string): void }) {
  const { user, info } = props;
  const [types, setTypes] = useState<RequestType[]>([]);
  const [typeId, setTypeId] = useState<string>('');
  const [fields, setFields] = useState<Field[]>([]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);

  useEffect(() => {
    void call(user, 'GET', `/rest/servicedeskapi/servicedesk/${info.serviceDeskId}/requesttype`).then((result) => {
      const list = (result.body as { values: RequestType[] }).values;
      setTypes(list);
      setTypeId((current) => current || (list[0]?.id ?? ''));
    });
  }, [user, info.serviceDeskId]);
  useEffect(() => {
    if (!typeId) return;
    void call(user, 'GET', `/rest/servicedeskapi/servicedesk/${info.serviceDeskId}/requesttype/${typeId}/field`).then((result) => {
      setFields((result.body as { requestTypeFields: Field[] }).requestTypeFields);
      setValues({});
    });
  }, [user, info.serviceDeskId, typeId]);

  const submit = async () => {
    const requestFieldValues = Object.fromEntries(
      fields
        .filter((field) => (values[field.fieldId] ?? '') !== '')
        .map((field) => [field.fieldId, field.validValues.length > 0 ? { value: values[field.fieldId] } : values[field.fieldId]]),
    );
    const result = await call(user, 'POST', '/rest/servicedeskapi/request', { serviceDeskId: info.serviceDeskId, requestTypeId: typeId, requestFieldValues });
    if (result.status !== 201) return setMessage({ kind: 'error', text: errorText(result) });
    const key = (result.body as { issueKey: string }).issueKey;
    setMessage({ kind: 'success', text: `Raised ${key}.` });
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
    h('form', { className: 'portal-form', onSubmit: (event: { preventDefault(): void }) => (event.preventDefault(), void submit()) }, fields.map(input), el(Button, { type: 'submit', appearance: 'primary', testId: 'raise' }, 'Send')),
    message ? el(SectionMessage, { appearance: message.kind === 'error' ? 'error' : 'success' }, h('p', { 'data-testid': 'portal-message' }, message.text)) : null,
  );
}
