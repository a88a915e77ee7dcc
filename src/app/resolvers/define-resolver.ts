import { z } from 'zod';
import { isCoreError, type Settings } from '../../core';
import { ConnectorRequestError } from '../../protocol';
import { AppError, isAppError } from '../app-error';
import { logEvent } from '../log';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';
import { getGrant } from '../storage/grant-store';
import { loadAppConfig, loadSettings } from '../storage/settings-store';
import { authorise, type Caller, type Role } from './authorise';
import { contracts, type ResolverName } from './contracts';

export interface ResolverInput<N extends ResolverName> {
  payload: z.infer<(typeof contracts)[N]['payload']>;
  caller: Caller;
  settings: Settings;
  config: AppConfig;
  /** The grant of the ticket the call is about (ticket resolvers only). */
  grant?: StoredGrant;
  ticket?: string;
}

export interface ResolverSpec<N extends ResolverName> {
  roles: readonly Role[];
  /** The call is about one ticket: its key comes from the UI module's context (issue or portal request). */
  ticket?: boolean;
  handler(input: ResolverInput<N>): Promise<z.infer<(typeof contracts)[N]['result']>>;
}

const contextSchema = z.looseObject({
  accountId: z.string().min(1),
  extension: z
    .looseObject({
      issue: z.looseObject({ key: z.string() }).optional(),
      // The portal's create form has a request type here but no request (key) yet.
      request: z.looseObject({ key: z.string().optional() }).optional(),
    })
    .optional(),
});

type Envelope = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

/**
 * The one wrapper every resolver goes through: validate the payload (zod, every problem reported),
 * load settings, find the ticket's grant, authorise the caller for the resolver's roles, run the
 * handler, and check its result against the contract. Errors become `{ok: false, error: {code, message}}`.
 */
export function defineResolver<N extends ResolverName>(name: N, spec: ResolverSpec<N>) {
  return async (request: { payload: unknown; context: unknown }): Promise<Envelope> => {
    try {
      const context = contextSchema.parse(request.context);
      const payload = contracts[name].payload.safeParse(request.payload ?? {});
      if (!payload.success) throw new AppError('invalid_payload', z.prettifyError(payload.error));
      const [settings, config] = await Promise.all([loadSettings(), loadAppConfig()]);
      const data = payload.data as z.infer<(typeof contracts)[N]['payload']>;
      const payloadTicket = typeof data === 'object' && data !== null && 'ticket' in data && typeof data.ticket === 'string' ? data.ticket : undefined;
      const ticket = spec.ticket ? (context.extension?.issue?.key ?? context.extension?.request?.key ?? payloadTicket) : undefined;
      if (spec.ticket && ticket === undefined) throw new AppError('invalid_payload', 'This action needs a ticket.');
      const grant = ticket === undefined ? undefined : await getGrant(ticket);
      const caller = await authorise(context.accountId, spec.roles, { settings, config, ...(grant ? { grant } : {}) });
      const result = await spec.handler({ payload: data, caller, settings, config, ...(grant ? { grant } : {}), ...(ticket ? { ticket } : {}) });
      return { ok: true, data: contracts[name].result.parse(result) };
    } catch (error) {
      return { ok: false, error: describe(name, error) };
    }
  };
}

function describe(name: string, error: unknown): { code: string; message: string } {
  if (isAppError(error)) return { code: error.code, message: error.message };
  if (isCoreError(error, 'invalid_settings')) return { code: 'invalid_payload', message: error.message };
  if (isCoreError(error)) return { code: 'invalid_state', message: error.message };
  if (error instanceof ConnectorRequestError) return { code: 'connector_error', message: `${error.code}: ${error.message}` };
  logEvent('resolver.failed', { resolver: name, error: error instanceof Error ? error.name : 'error' });
  return { code: 'internal', message: 'Something went wrong; the app log has the details.' };
}
