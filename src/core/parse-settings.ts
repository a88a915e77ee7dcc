import { CoreError } from './core-error';
import { settingsSchema, type Settings } from './settings-schema';
import { defaultSettings } from './default-settings';

/**
 * Validates a whole configuration at once and reports every problem together (path: message), so an
 * admin fixes them in one pass. Throws CoreError `invalid_settings` with `context.issues`.
 */
export function parseSettings(input: unknown): Settings {
  const result = settingsSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  throw new CoreError('invalid_settings', `The settings are not valid:\n${issues.join('\n')}`, { issues });
}

/** A fresh, parsed copy of the shipped defaults. */
export function loadDefaultSettings(): Settings {
  return parseSettings(structuredClone(defaultSettings));
}
