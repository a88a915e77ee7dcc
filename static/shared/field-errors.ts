import type { z } from 'zod';

/** Field path → first message, for showing zod issues next to the field they belong to ('' is the form itself). */
export type FieldErrors = Readonly<Record<string, string>>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    errors[path] ??= issue.message;
  }
  return errors;
}

/** The errors under `prefix`, re-keyed relative to it (a rule's errors out of the whole settings' errors). */
export function errorsUnder(errors: FieldErrors, prefix: string): FieldErrors {
  const scoped: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    if (path === prefix) scoped[''] ??= message;
    else if (path.startsWith(`${prefix}.`)) scoped[path.slice(prefix.length + 1)] = message;
  }
  return scoped;
}

/** Parses `value`; on failure returns the field errors instead of throwing. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): { ok: true; data: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, data: result.data } : { ok: false, errors: fieldErrors(result.error) };
}
