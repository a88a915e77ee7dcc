import type { z } from 'zod';
import { contracts, resultEnvelope, type ResolverName, type ResolverPayload, type ResolverResult } from '../../src/app/resolvers/contracts';
import type { Bridge } from './bridge';
import { fieldErrors, type FieldErrors } from './field-errors';

/** A refusal or failure of a resolver call: the resolver's own code, or `unavailable` when the app has no such resolver. */
export class ResolverError extends Error {
  override readonly name = 'ResolverError';
  constructor(
    readonly code: string,
    message: string,
    readonly fields: FieldErrors = {},
  ) {
    super(message);
  }
}

export interface ResolverClient {
  call<N extends ResolverName>(name: N, payload: ResolverPayload<N>): Promise<ResolverResult<N>>;
}

/**
 * Calls the app's resolvers through the bridge with the resolvers' own contracts: the payload is checked
 * before it is sent (field errors as `invalid_payload`), the answer is checked against the result schema.
 */
export function resolverClient(bridge: Bridge): ResolverClient {
  return {
    async call<N extends ResolverName>(name: N, payload: ResolverPayload<N>): Promise<ResolverResult<N>> {
      const contract = contracts[name];
      const checked = (contract.payload as z.ZodType).safeParse(payload);
      if (!checked.success) throw new ResolverError('invalid_payload', 'Some fields need attention.', fieldErrors(checked.error));
      let answer: unknown;
      try {
        answer = await bridge.invoke(name, payload as Record<string, unknown>);
      } catch (error) {
        throw new ResolverError('unavailable', `The app could not run "${name}": ${error instanceof Error ? error.message : 'no answer'}.`);
      }
      const envelope = resultEnvelope(contract.result as z.ZodType).safeParse(answer);
      if (!envelope.success) throw new ResolverError('unavailable', `The app's answer to "${name}" was not understood.`);
      if (!envelope.data.ok) throw new ResolverError(envelope.data.error.code, envelope.data.error.message);
      return envelope.data.data as ResolverResult<N>;
    },
  };
}
