import { z } from 'zod';
import {
  activityDigestSchema,
  errorBodySchema,
  grantCreatedSchema,
  grantListSchema,
  grantSchemaSchema,
  grantStatusSchema,
  healthSchema,
  queryResultSchema,
  revokedSchema,
  targetListSchema,
  type ActivityDigest,
  type GrantCreated,
  type GrantList,
  type GrantSchema,
  type GrantRequestInput,
  type GrantState,
  type GrantStatus,
  type Health,
  type QueryResult,
  type Revoked,
  type TargetList,
} from './schemas';
import { activityRecordPageSchema, type ActivityRecordPage } from './activity-record-page';
import { signRequest } from './signature';

/** `GET /v1/grants/{grantId}/activity` (an ActivityPage) read for its digest only: the page's statements are not kept. */
const activityDigestAnswerSchema = z.object({ digest: activityDigestSchema });

/** The slice of `fetch` the client needs; satisfied by Node's fetch and by `@forge/api`'s. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{ status: number; text(): Promise<string> }>;

export interface ConnectorClientOptions {
  baseUrl: string;
  secrets: string | readonly string[];
  fetch?: FetchLike;
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

  constructor(private readonly options: ConnectorClientOptions) {
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
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

  /** The digest of what was run under a gateway grant; `404 no_activity_record` for a grant on a direct target. */
  async activityDigest(grantId: string): Promise<ActivityDigest> {
    return (await this.call('GET', `/v1/grants/${encodeURIComponent(grantId)}/activity`, activityDigestAnswerSchema)).digest;
  }

  /** One page of what was run under a gateway grant, in the order it completed; pass the page's `next` for the following one. */
  activityPage(grantId: string, next: string | null = null): Promise<ActivityRecordPage> {
    const query = next === null ? '' : `?next=${encodeURIComponent(next)}`;
    return this.call('GET', `/v1/grants/${encodeURIComponent(grantId)}/activity${query}`, activityRecordPageSchema);
  }

  /**
   * Runs one statement as a gateway grant (guards and masking apply); at most 500 rows. Recorded with session
   * `console`, or `export` when run for a download (`forExport`, refused unless the level has `export: true`).
   */
  query(grantId: string, sql: string, forExport = false): Promise<QueryResult> {
    return this.call('POST', `/v1/grants/${encodeURIComponent(grantId)}/query`, queryResultSchema, { sql, ...(forExport ? { export: true } : {}) });
  }

  /** The tables and columns a gateway grant's login sees on its target, masked columns named (no statement is recorded). */
  schema(grantId: string): Promise<GrantSchema> {
    return this.call('GET', `/v1/grants/${encodeURIComponent(grantId)}/schema`, grantSchemaSchema);
  }

  targets(): Promise<TargetList> {
    return this.call('GET', '/v1/targets', targetListSchema);
  }

  health(): Promise<Health> {
    return this.call('GET', '/v1/health', healthSchema);
  }

  /**
   * The connector refuses a signed content (timestamp, method, path, body digest) it has accepted before, from any
   * client and on any replica: the same request twice within one second is a replay. So this client never signs one
   * request twice with the same timestamp, waiting for the next second instead of signing ahead of the clock (which
   * frequent polling would push out of the 300 s window), and a refusal as a replay (another client sent the same
   * request in that second) is retried in the next second.
   */
  private readonly lastTimestamp = new Map<string, number>();

  private async timestampFor(key: string, after: number): Promise<number> {
    const timestamp = Math.max(Math.floor(Date.now() / 1000), after + 1, (this.lastTimestamp.get(key) ?? 0) + 1);
    this.lastTimestamp.set(key, timestamp);
    if (this.lastTimestamp.size > 1000) this.lastTimestamp.delete(this.lastTimestamp.keys().next().value as string);
    const wait = timestamp * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return timestamp;
  }

  private async call<T extends z.ZodType>(method: string, pathWithQuery: string, schema: T, payload?: unknown): Promise<z.infer<T>> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const key = `${method} ${pathWithQuery} ${body}`;
    let timestamp = await this.timestampFor(key, 0);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.send(method, pathWithQuery, schema, body, timestamp);
      } catch (error) {
        if (!(error instanceof ConnectorRequestError) || error.code !== 'replayed_request' || attempt >= 5) throw error;
        timestamp = await this.timestampFor(key, timestamp);
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
