import { parseStatements } from './parse-statements';
import type { StatementRecord } from './statement-record';
import { statementRecord, type ParsedStatement, type RecordMode } from './statement-pipeline';
import { readError, type BackendEvent } from './wire/backend-messages';
import { MessageReader, readBind } from './wire/frontend-messages';

interface Query {
  raw: string;
  /** Set when a guard refused it: the database got a statement that fails in its place. */
  blocked?: { guard: string; index: number };
  /** Parsed when its answer has been relayed, off the path of both; undefined when the text does not parse. */
  statements?: readonly ParsedStatement[] | undefined;
  parsed: boolean;
}

interface Running {
  /** The simple-query message or the Sync whose ReadyForQuery ends this statement's group. */
  group: number;
  query: Query;
  /** Which statement of a simple query's string runs now (an Execute runs its prepared statement, index 0). */
  index: number;
  params: (string | null)[] | undefined;
  queuedAt: number;
  rows: number;
}

/**
 * The one pipeline every statement of a session passes: it reads what the client sends (simple queries, Parse,
 * Bind, Execute, Close, Sync), parses and classifies each statement, and matches the server's answers to the
 * statements in order, so each is recorded once it completed (rows, time, error) or failed.
 *
 * The server answers in the order it was asked; a ReadyForQuery closes one simple query or one Sync group, and
 * after an error the rest of that group never runs, so it is dropped unrecorded.
 */
export class StatementTracker {
  private readonly prepared = new Map<string, Query>();
  private readonly portals = new Map<string, { query: Query; params: (string | null)[] }>();
  private readonly queue: Running[] = [];
  private groupsSent = 0;
  private groupsDone = 0;
  private startedAt = 0;

  constructor(
    private readonly session: string,
    private readonly mode: RecordMode,
    private readonly record: (statement: StatementRecord) => void,
    private readonly clock: { now: () => Date; monotonic: () => number },
  ) {}

  /**
   * A whole client message, before it is relayed. Throws ProtocolViolation for a malformed one. `blocked`: a guard
   * refused this Query or Parse, which is recorded with its own text and the guard's name.
   */
  fromClient(message: Buffer, blocked?: { guard: string; index: number }): void {
    const type = String.fromCharCode(message[0] ?? 0);
    const reader = new MessageReader(message);
    switch (type) {
      case 'Q':
        this.enqueue(this.query(reader.cstring(), blocked), undefined);
        this.groupsSent += 1;
        break;
      case 'P': {
        const name = reader.cstring();
        this.prepared.set(name, this.query(reader.cstring(), blocked));
        break;
      }
      case 'B': {
        const bind = readBind(message);
        const query = this.prepared.get(bind.statement);
        if (query) this.portals.set(bind.portal, { query, params: bind.params });
        break;
      }
      case 'E': {
        const portal = this.portals.get(reader.cstring());
        if (portal) this.enqueue(portal.query, portal.params);
        break;
      }
      case 'C': {
        const kind = String.fromCharCode(reader.byte());
        (kind === 'S' ? this.prepared : this.portals).delete(reader.cstring());
        break;
      }
      case 'S':
        this.groupsSent += 1;
        break;
      default:
        break;
    }
  }

  /** A server message, as the scanner saw it go by. */
  fromServer(event: BackendEvent): void {
    const head = this.queue[0];
    const current = head !== undefined && head.group === this.groupsDone ? head : undefined;
    switch (event.type) {
      case 'D':
        if (current) current.rows += 1;
        break;
      case 'C':
        if (current) this.complete(current, rowsOf(event.body?.toString('utf8', 0, Math.max(0, event.body.length - 1)) ?? ''), null);
        break;
      case 's':
        if (current) this.complete(current, current.rows, null);
        break;
      case 'I':
        if (current) this.complete(current, null, null);
        break;
      case 'E':
        if (current && event.body) {
          const error = readError(event.body);
          this.complete(current, null, error);
          this.dropGroup(current.group);
        }
        break;
      case 'Z':
        this.dropGroup(this.groupsDone);
        this.groupsDone += 1;
        break;
      default:
        break;
    }
  }

  /**
   * The session ended (revoked, expired, or the connection broke): the statement running then is recorded with
   * `code`, since it may have done its work before the end; those queued behind it never ran.
   */
  end(code: string): void {
    const head = this.queue[0];
    if (head !== undefined && head.group === this.groupsDone) this.complete(head, null, { code });
    this.queue.length = 0;
  }

  private query(raw: string, blocked: { guard: string; index: number } | undefined): Query {
    return blocked ? { raw, blocked, parsed: false } : { raw, parsed: false };
  }

  private enqueue(query: Query, params: (string | null)[] | undefined): void {
    this.queue.push({ group: this.groupsSent, query, index: 0, params, queuedAt: this.clock.monotonic(), rows: 0 });
  }

  private complete(running: Running, rows: number | null, error: { code: string; message?: string } | null): void {
    const statements = parsed(running.query);
    const finishedAt = this.clock.monotonic();
    // Pipelined statements queue behind each other: each one's time starts when the one before it ended.
    const startedAt = Math.max(running.queuedAt, this.startedAt);
    this.startedAt = finishedAt;
    const statement = statements?.[running.query.blocked?.index ?? running.index];
    if (statements !== undefined && running.index + 1 < statements.length) Object.assign(running, { index: running.index + 1, rows: 0, queuedAt: finishedAt });
    else this.queue.shift();
    // An empty query string runs nothing and is answered with EmptyQueryResponse.
    if (statements?.length === 0) return;
    this.record(
      statementRecord(
        { session: this.session, mode: this.mode, statement, raw: running.query.raw, params: running.params, blocked: running.query.blocked?.guard, outcome: { rows, error, startedAt, finishedAt } },
        this.clock,
      ),
    );
  }

  private dropGroup(group: number): void {
    while (this.queue[0] !== undefined && this.queue[0].group <= group) this.queue.shift();
  }
}

function parsed(query: Query): readonly ParsedStatement[] | undefined {
  if (!query.parsed) {
    query.statements = parseStatements(query.raw);
    query.parsed = true;
  }
  return query.statements;
}

/** The row count in a CommandComplete tag ("SELECT 5", "INSERT 0 3", "COPY 10"), null for tags without one. */
function rowsOf(tag: string): number | null {
  const last = tag.slice(tag.lastIndexOf(' ') + 1);
  return /^\d+$/.test(last) ? Number(last) : null;
}
