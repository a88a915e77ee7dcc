import { kvs } from '@forge/kvs';
import { loadDefaultSettings, parseSettings, type Settings } from '../../core';
import { appConfigSchema, type AppConfig } from './app-config';

/**
 * App settings in Forge storage: the core settings (policies, levels, statuses, connector URL) and the
 * app config under plain keys, the connector's signing secret in secret storage only. The secret is
 * write-only to the UI: nothing here returns it except to the connector client and the callback check.
 */

const SETTINGS_KEY = 'settings';
const APP_CONFIG_KEY = 'app-config';
const CONNECTOR_SECRET_KEY = 'connector-secret';

export async function loadSettings(): Promise<Settings> {
  const stored = await kvs.get<unknown>(SETTINGS_KEY);
  return stored === undefined ? loadDefaultSettings() : parseSettings(stored);
}

export async function saveSettings(settings: Settings): Promise<void> {
  await kvs.set(SETTINGS_KEY, parseSettings(settings));
}

export async function loadAppConfig(): Promise<AppConfig> {
  return appConfigSchema.parse((await kvs.get<unknown>(APP_CONFIG_KEY)) ?? {});
}

export async function saveAppConfig(config: AppConfig): Promise<void> {
  await kvs.set(APP_CONFIG_KEY, appConfigSchema.parse(config));
}

export async function loadConnectorSecret(): Promise<string | undefined> {
  const secret = await kvs.getSecret<unknown>(CONNECTOR_SECRET_KEY);
  return typeof secret === 'string' ? secret : undefined;
}

export async function saveConnectorSecret(secret: string): Promise<void> {
  await kvs.setSecret(CONNECTOR_SECRET_KEY, secret);
}
