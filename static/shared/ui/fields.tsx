import { Checkbox } from '@atlaskit/checkbox';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import { Box } from '@atlaskit/primitives';
import Select from '@atlaskit/select';
import TextArea from '@atlaskit/textarea';
import TextField from '@atlaskit/textfield';
import { useId } from 'react';

/** Labelled inputs with a helper text and a field-level error wired for screen readers (aria-describedby). */

interface FieldProps {
  label: string;
  error?: string | undefined;
  helper?: string;
}

function Messages({ id, error, helper }: { id: string; error?: string | undefined; helper?: string | undefined }) {
  return (
    <>
      {helper && (
        <div id={`${id}-helper`}>
          <HelperMessage>{helper}</HelperMessage>
        </div>
      )}
      {error && (
        <div id={`${id}-error`}>
          <ErrorMessage>{error}</ErrorMessage>
        </div>
      )}
    </>
  );
}

const describedBy = (id: string, error?: string, helper?: string) => [helper ? `${id}-helper` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

export function TextInput(props: FieldProps & { value: string; onChange(value: string): void; type?: 'text' | 'password' | 'date' | 'datetime-local' | 'number'; placeholder?: string; autoComplete?: string; testId?: string }) {
  const id = useId();
  return (
    <Box paddingBlockEnd="space.100">
      <Label htmlFor={id}>{props.label}</Label>
      <TextField
        id={id}
        value={props.value}
        type={props.type ?? 'text'}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete ?? 'off'}
        isInvalid={Boolean(props.error)}
        aria-invalid={Boolean(props.error)}
        aria-describedby={describedBy(id, props.error, props.helper)}
        testId={props.testId}
        onChange={(event) => props.onChange(event.currentTarget.value)}
      />
      <Messages id={id} error={props.error} helper={props.helper} />
    </Box>
  );
}

export function TextAreaInput(props: FieldProps & { value: string; onChange(value: string): void; readOnly?: boolean; rows?: number }) {
  const id = useId();
  return (
    <Box paddingBlockEnd="space.100">
      <Label htmlFor={id}>{props.label}</Label>
      <TextArea
        id={id}
        value={props.value}
        isReadOnly={props.readOnly}
        minimumRows={props.rows ?? 4}
        isInvalid={Boolean(props.error)}
        aria-invalid={Boolean(props.error)}
        aria-describedby={describedBy(id, props.error, props.helper)}
        onChange={(event) => props.onChange(event.currentTarget.value)}
        isMonospaced
      />
      <Messages id={id} error={props.error} helper={props.helper} />
    </Box>
  );
}

export interface Option {
  label: string;
  value: string;
}

export function SelectInput(props: FieldProps & { value: string; options: readonly Option[]; onChange(value: string): void }) {
  const id = useId();
  const selected = props.options.find((option) => option.value === props.value) ?? null;
  return (
    <Box paddingBlockEnd="space.100">
      <Label htmlFor={id}>{props.label}</Label>
      <Select<Option>
        inputId={id}
        value={selected}
        options={props.options}
        isInvalid={Boolean(props.error)}
        aria-describedby={describedBy(id, props.error, props.helper)}
        onChange={(option) => option && props.onChange(option.value)}
      />
      <Messages id={id} error={props.error} helper={props.helper} />
    </Box>
  );
}

export function CheckboxInput(props: { label: string; checked: boolean; onChange(checked: boolean): void; error?: string | undefined }) {
  const id = useId();
  return (
    <Box paddingBlockEnd="space.050">
      <Checkbox label={props.label} isChecked={props.checked} onChange={(event) => props.onChange(event.currentTarget.checked)} isInvalid={Boolean(props.error)} />
      <Messages id={id} error={props.error} />
    </Box>
  );
}
