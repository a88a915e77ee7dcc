import { webTrigger } from '@forge/api';
import { decide, parseSettings } from '../../core';
import { AppError } from '../app-error';
import { connectorClient } from '../connector/connector-access';
import { fetchableAddressProblem } from '../fetchable-address';
import { appConfigSchema } from '../storage/app-config';
import { loadConnectorSecret, saveAppConfig, saveConnectorSecret, saveSettings } from '../storage/settings-store';
import { CALLBACK_TRIGGER_KEY } from '../webtrigger/on-connector-callback';
import { defineResolver } from './define-resolver';

/** Admin resolvers for the settings page. The connector's signing secret is write-only. */

/** An address this deployment may not fetch is refused when it is saved, not when it is first used. */
function refuseUnreachable(address: string, what: string): void {
  const problem = fetchableAddressProblem(address, what);
  if (problem !== undefined) throw new AppError('invalid_payload', problem);
}

/**
 * Break-glass grants before anyone looks, so the break-glass request type is never enabled without
 * somewhere to alert: a save that enables it without an alert webhook is refused, and so is one that
 * removes the webhook while it is enabled. (Intake still fails closed: without a webhook, break-glass
 * requests are denied.)
 */
function refuseSilentBreakGlass(mapped: { before: string | undefined; after: string | undefined }, webhook: { before: string | undefined; after: string | undefined }): void {
  if (mapped.after === undefined || webhook.after !== undefined) return;
  if (mapped.after !== mapped.before) {
    throw new AppError(
      'invalid_payload',
      'The break-glass request type cannot be enabled without an alert destination: nobody would be told of emergency access. Set the alert webhook (App options on the Setup tab) in this save or before it, then enable break-glass.',
    );
  }
  if (webhook.before !== undefined) {
    throw new AppError(
      'invalid_payload',
      'The alert webhook cannot be removed while the break-glass request type is enabled: nobody would be told of emergency access. Enter another alert webhook instead, or turn break-glass off first by removing its request type from the settings (docs/admin-guide.md, section 7).',
    );
  }
}

export const getSettings = defineResolver('getSettings', {
  roles: ['admin'],
  handler: async ({ settings, config }) => ({
    settings,
    appConfig: config,
    connector: {
      url: settings.connectorUrl,
      secretSet: (await loadConnectorSecret()) !== undefined,
      callbackUrl: await webTrigger.getUrl(CALLBACK_TRIGGER_KEY),
    },
  }),
});

export const saveSettingsResolver = defineResolver('saveSettings', {
  roles: ['admin'],
  handler: async ({ payload, settings: current, config }) => {
    const settings = parseSettings(payload.settings);
    if (settings.connectorUrl !== current.connectorUrl) refuseUnreachable(settings.connectorUrl, 'connector URL');
    const parsed = payload.appConfig === undefined ? { success: true as const, data: config } : appConfigSchema.safeParse(payload.appConfig);
    if (!parsed.success) throw new AppError('invalid_payload', `The app config is not valid: ${parsed.error.message}`);
    const appConfig = parsed.data;
    if (appConfig.alertWebhookUrl !== undefined && appConfig.alertWebhookUrl !== config.alertWebhookUrl) refuseUnreachable(appConfig.alertWebhookUrl, 'alert webhook');
    if (appConfig.siemWebhookUrl !== undefined && appConfig.siemWebhookUrl !== config.siemWebhookUrl) refuseUnreachable(appConfig.siemWebhookUrl, 'SIEM webhook');
    refuseSilentBreakGlass({ before: current.requestTypes.breakGlass, after: settings.requestTypes.breakGlass }, { before: config.alertWebhookUrl, after: appConfig.alertWebhookUrl });
    await saveSettings(settings);
    await saveAppConfig(appConfig);
    return { saved: true as const };
  },
});

export const setConnector = defineResolver('setConnector', {
  roles: ['admin'],
  handler: async ({ payload, settings }) => {
    refuseUnreachable(payload.url, 'connector URL');
    await saveConnectorSecret(payload.secret);
    await saveSettings({ ...settings, connectorUrl: payload.url });
    return { saved: true as const };
  },
});

export const testConnection = defineResolver('testConnection', {
  roles: ['admin'],
  handler: async ({ payload, settings }) => {
    const client = await connectorClient(settings.connectorUrl);
    const health = await client.health();
    const { targets } = await client.targets();
    if (payload.saveTargets) await saveSettings({ ...settings, targets });
    return { health, targets, savedTargets: payload.saveTargets };
  },
});

export const simulatePolicy = defineResolver('simulatePolicy', {
  roles: ['admin'],
  handler: async ({ payload, settings }) => {
    const decision = decide(payload.request, settings, payload.at ? new Date(payload.at) : new Date());
    return {
      outcome: decision.outcome,
      rule: decision.rule,
      reasons: decision.reasons,
      trace: decision.trace,
      ...(decision.window
        ? { window: { notBefore: decision.window.notBefore.toISOString(), notAfter: decision.window.notAfter.toISOString(), explanation: decision.window.explanation } }
        : {}),
    };
  },
});
