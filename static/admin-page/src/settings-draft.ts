import { useCallback, useState } from 'react';
import { settingsSchema, type Settings } from '../../../src/core';
import type { ResolverResult } from '../../../src/app/resolvers/contracts';
import type { AppConfig } from '../../../src/app/storage/app-config';
import { useServices } from '../../shared/app-context';
import { validate, type FieldErrors } from '../../shared/field-errors';
import { ResolverError } from '../../shared/resolver-client';

export type Loaded = ResolverResult<'getSettings'>;

/**
 * The settings being edited: a local draft, checked with the resolvers' own settings schema before it is
 * saved (every problem at its field), and saved whole through `saveSettings`, together with the app
 * config as last saved (so saving one never undoes the other).
 */
export function useSettingsDraft(loaded: Loaded) {
  const { client } = useServices();
  const [saved, setSaved] = useState<Settings>(loaded.settings);
  const [draft, setDraft] = useState<Settings>(loaded.settings);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const [savedAt, setSavedAt] = useState<Date>();
  const [appConfig, setAppConfig] = useState<AppConfig>(loaded.appConfig);

  const update = useCallback((change: (settings: Settings) => Settings) => {
    setDraft((current) => change(current));
    setSavedAt(undefined);
  }, []);

  const save = useCallback(async (): Promise<boolean> => {
    setSaveError(undefined);
    const checked = validate(settingsSchema, draft);
    if (!checked.ok) {
      setErrors(checked.errors);
      return false;
    }
    setErrors({});
    setSaving(true);
    try {
      await client.call('saveSettings', { settings: checked.data, appConfig });
      setSaved(checked.data);
      setSavedAt(new Date());
      return true;
    } catch (error) {
      setSaveError(error instanceof ResolverError && error.code === 'invalid_payload' ? new ResolverError(error.code, error.message) : error);
      return false;
    } finally {
      setSaving(false);
    }
  }, [client, draft, appConfig]);

  /** Saves the app config (checked by the caller) with the saved settings, leaving the draft as it is. */
  const saveAppConfig = useCallback(
    async (next: AppConfig): Promise<void> => {
      await client.call('saveSettings', { settings: saved, appConfig: next });
      setAppConfig(next);
    },
    [client, saved],
  );

  /** Replaces both the draft and the saved copy (after a resolver saved settings itself, e.g. targets). */
  const reload = useCallback((settings: Settings) => {
    setSaved(settings);
    setDraft(settings);
  }, []);

  const dirty = JSON.stringify(saved) !== JSON.stringify(draft);
  return { draft, saved, update, save, reload, errors, saving, saveError, savedAt, dirty, appConfig, saveAppConfig };
}

export type SettingsDraft = ReturnType<typeof useSettingsDraft>;
