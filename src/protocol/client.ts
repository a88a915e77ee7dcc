import type { z } from 'zod';
import {
  errorBodySchema,
  grantCreatedSchema,
  grantListSchema,
  grantStatusSchema,
  healthSchema,
  revokedSchema,
  targetListSchema,
  type GrantCreated,
  type GrantList,
  type GrantRequestInput,
  type GrantState,
  type GrantStatus,
  type Health,
  type Revoked,
  type TargetList,
} from './schemas';
import { signRequest } from './signature';

/** The slice of `fetch` the client needs; satisfied by Node's fetch and by `@forge/api`'s. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{ status: number; text(): Promise<string> }>;

export interface ConnectorClientOptions {
  baseUrl: string;
  secrets: string | readonly string[];
  fetch?: FetchLike;
  nowSeconds?: () => number;
}

/** A refused or failed call, with the connector's stable error code (or `unreachable` / `bad_response`). */
export class ConnectorRequestError extends Error {
  override readonly name = 'ConnectorRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Worth trying again later with the same request (the grantId keeps it idempotent). */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

/** A client of connector protocol v2: signs every request and parses every answer. */
export class ConnectorClient {
  private readonly fetch: FetchLike;
  private readonly nowSeconds: () => number;

  constructor(private readonly options: ConnectorClientOptions) {
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  createGrant(request: GrantRequestInput): Promise<GrantCreated> {
    return this.call('POST', '/v1/grants', grantCreatedSchema, request);
  }

  getGrant(grantId: string): Promise<GrantStatus> {
    return this.call('GET', `/v1/grants/${encodeURIComponent(grantId)}`, grantStatusSchema);
  }

  listGrants(state?: GrantState): Promise<GrantList> {
    return this.call('GET', state ? `/v1/grants?state=${state}` : '/v1/grants', grantListSchema);
  }

  revokeGrant(grantId: string): Promise<Revoked> {
    return this.call('DELETE', `/v1/grants/${encodeURIComponent(grantId)}`, revokedSchema);
  }

  extendGrant(grantId: string, notAfter: string): Promise<GrantStatus> {
    return this.call('POST', `/v1/grants/${encodeURIComponent(grantId)}/extend`, grantStatusSchema, { notAfter });
  }

  targets(): Promise<TargetList> {
    return this.call('GET', '/v1/targets', targetListSchema);
  }

  health(): Promise<Health> {
    return this.call('GET', '/v1/health', healthSchema);
  }

  /**
   * The connector refuses a signed content it has accepted before (replay), and that content is only the timestamp,
   * method, path and body digest: the same request twice within one second would be alike. So an identical request is signed
   * with a later timestamp (the window allows 300 s of skew), and a refusal as a replay is retried that way.
   */
  private lastTimestamp = new Map<string, number>();

  private timestampFor(key: string, minimum: number): number {
    const timestamp = Math.max(this.nowSeconds(), minimum, (this.lastTimestamp.get(key) ?? 0) + 1);
    this.lastTimestamp.set(key, timestamp);
    if (this.lastTimestamp.size > 1000) this.lastTimestamp.delete(this.lastTimestamp.keys().next().value as string);
    return timestamp;
  }

  private async call<T extends z.ZodType>(method: string, pathWithQuery: string, schema: T, payload?: unknown): Promise<z.infer<T>> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const key = `${method} ${pathWithQuery} ${body}`;
    let timestamp = this.timestampFor(key, 0);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.send(method, pathWithQuery, schema, body, timestamp);
      } catch (error) {
        if (!(error instanceof ConnectorRequestError) || error.code !== 'replayed_request' || attempt >= 5) throw error;
        timestamp = this.timestampFor(key, timestamp + 1);
      }
    }
  }

  private async send<T extends z.ZodType>(method: string, pathWithQuery: string, schema: T, body: string, timestamp: number): Promise<z.infer<T>> {
    const headers = {
      ...signRequest(this.options.secrets, { timestamp, method, pathWithQuery, body }),
      ...(body ? { 'content-type': 'application/json' } : {}),
    };
    let response: { status: number; text(): Promise<string> };
    try {
      response = await this.fetch(this.options.baseUrl.replace(/\/$/, '') + pathWithQuery, { method, headers, ...(body ? { body } : {}) });
    } catch (error) {
      throw new ConnectorRequestError(0, 'unreachable', `the connector at ${this.options.baseUrl} did not answer: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ConnectorRequestError(response.status, 'bad_response', `the connector answered ${response.status} with a body that is not JSON`);
    }
    if (response.status >= 400) {
      const error = errorBodySchema.safeParse(parsed);
      if (error.success) throw new ConnectorRequestError(response.status, error.data.error.code, error.data.error.message);
      throw new ConnectorRequestError(response.status, 'bad_response', `the connector answered ${response.status} without an error body`);
    }
    const result = schema.safeParse(parsed);
    if (!result.success) throw new ConnectorRequestError(response.status, 'bad_response', `unexpected answer from the connector: ${result.error.message}`);
    return result.data;
  }
}
