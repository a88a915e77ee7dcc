import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { settingsSchema, type Settings } from '../../../src/core';
import { fieldErrors, type FieldErrors } from '../../shared/field-errors';

/** The policy as one YAML document: rules in order, the access levels and approver groups they name, business hours. */
const POLICY_KEYS = ['policies', 'accessLevels', 'approverGroups', 'businessHours'] as const;

const section = z.custom<unknown>((value) => value !== undefined, { error: 'this section is missing' });
const policyDocument = z.strictObject({ policies: section, accessLevels: section, approverGroups: section, businessHours: section });

export function exportPolicy(settings: Settings): string {
  return stringify(Object.fromEntries(POLICY_KEYS.map((key) => [key, settings[key]])));
}

/** The settings with the imported policy in place, checked as a whole; every problem comes back with its path. */
export function importPolicy(settings: Settings, text: string): { ok: true; settings: Settings } | { ok: false; errors: FieldErrors } {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return { ok: false, errors: { '': `This is not YAML: ${error instanceof Error ? error.message.split('\n')[0] : 'parse error'}` } };
  }
  const shape = policyDocument.safeParse(document);
  if (!shape.success) return { ok: false, errors: fieldErrors(shape.error) };
  const merged = settingsSchema.safeParse({ ...settings, ...shape.data });
  return merged.success ? { ok: true, settings: merged.data } : { ok: false, errors: fieldErrors(merged.error) };
}
