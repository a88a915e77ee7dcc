import { MessageReader, readBind } from '../wire/frontend-messages';
import { maskValue } from './mask-value';
import type { MaskingCatalog } from './masking-catalog';
import type { MaskKind } from './mask-schema';

interface Column {
  /** How the column is shown, when it is a masked column of a table (by RowDescription's table OID and attnum). */
  mask: MaskKind | undefined;
  type: number;
  binary: boolean;
}

/** A prepared statement or portal as the client made it; a new Parse or Bind of the same name makes a new one. */
interface Described {
  columns?: Column[] | null;
}
interface Portal extends Described {
  statement: Described | undefined;
  formats: number[];
}

/** Client requests whose answers may carry a RowDescription or rows, in the order the server answers them. */
type Pending = { kind: 'describe'; target: Described } | { kind: 'execute'; portal: Portal | undefined } | { kind: 'query' } | { kind: 'sync' };

export class MaskingUnknown extends Error {
  override readonly name = 'MaskingUnknown';
}

/**
 * Masks the values of masked columns in the rows the server sends, by the origin of each result column (the table
 * OID and attribute number of RowDescription). It follows which RowDescription describes which rows: a simple
 * query's own, a portal's Describe, or the Describe of the prepared statement a portal was bound to (with the
 * Bind's result formats), each taken as it was when the client sent the request, since the server answers a
 * pipeline in order. Rows it cannot match to a description throw MaskingUnknown: the session ends rather than
 * send them.
 */
export class ResultMasker {
  private readonly pending: Pending[] = [];
  private readonly statements = new Map<string, Described>();
  private readonly portals = new Map<string, Portal>();
  private queryColumns: Column[] | null | undefined;
  private buffered = Buffer.alloc(0);

  constructor(private readonly catalog: MaskingCatalog, private readonly hashKey: Buffer) {}

  /** A whole client message, as it is relayed. */
  fromClient(message: Buffer): void {
    const type = String.fromCharCode(message[0] ?? 0);
    const reader = new MessageReader(message);
    switch (type) {
      case 'Q':
        this.pending.push({ kind: 'query' });
        break;
      case 'P':
        this.statements.set(reader.cstring(), {});
        break;
      case 'B': {
        const bind = readBind(message);
        this.portals.set(bind.portal, { statement: this.statements.get(bind.statement), formats: bind.resultFormats });
        break;
      }
      case 'D': {
        const kind = String.fromCharCode(reader.byte());
        const name = reader.cstring();
        // A Describe of something that does not exist is answered with an error; a fresh object stands in for it.
        this.pending.push({ kind: 'describe', target: (kind === 'S' ? this.statements.get(name) : this.portals.get(name)) ?? {} });
        break;
      }
      case 'E':
        this.pending.push({ kind: 'execute', portal: this.portals.get(reader.cstring()) });
        break;
      case 'C': {
        const kind = String.fromCharCode(reader.byte());
        (kind === 'S' ? this.statements : this.portals).delete(reader.cstring());
        break;
      }
      case 'S':
        this.pending.push({ kind: 'sync' });
        break;
      default:
        break;
    }
  }

  /** Server bytes in, the bytes to send the client out (whole messages; a partial one waits for the rest). */
  push(chunk: Buffer): Buffer {
    let data = this.buffered.length > 0 ? Buffer.concat([this.buffered, chunk]) : chunk;
    const out: Buffer[] = [];
    let start = 0;
    while (data.length - start >= 5) {
      const length = data.readInt32BE(start + 1);
      if (data.length - start < length + 1) break;
      const message = data.subarray(start, start + length + 1);
      out.push(this.fromServer(message));
      start += length + 1;
    }
    data = data.subarray(start);
    this.buffered = Buffer.from(data);
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }

  private fromServer(message: Buffer): Buffer {
    const type = String.fromCharCode(message[0] ?? 0);
    const head = this.pending[0];
    switch (type) {
      case 'T': {
        const columns = this.describe(message);
        if (head?.kind === 'describe') {
          head.target.columns = columns;
          this.pending.shift();
        } else if (head?.kind === 'query') this.queryColumns = columns;
        else throw new MaskingUnknown('a row description answered no request');
        return message;
      }
      case 'n':
        if (head?.kind === 'describe') {
          head.target.columns = null;
          this.pending.shift();
        }
        return message;
      case 'D':
        return this.maskRow(message, this.rowColumns(head));
      case 'C':
      case 's':
      case 'I':
        if (head?.kind === 'execute') this.pending.shift();
        else if (head?.kind === 'query') this.queryColumns = undefined;
        return message;
      case 'E':
        if (head?.kind === 'query') this.queryColumns = undefined;
        // After an error the server skips the rest of the extended-protocol group, up to its Sync.
        else while (this.pending[0] !== undefined && this.pending[0].kind !== 'sync') this.pending.shift();
        return message;
      case 'Z': {
        const done = this.pending.findIndex((entry) => entry.kind === 'sync' || entry.kind === 'query');
        this.pending.splice(0, done + 1);
        this.queryColumns = undefined;
        return message;
      }
      default:
        return message;
    }
  }

  private rowColumns(head: Pending | undefined): Column[] {
    if (head?.kind === 'query' && this.queryColumns) return this.queryColumns;
    if (head?.kind === 'execute') {
      const portal = head.portal;
      if (portal?.columns) return portal.columns;
      const described = portal?.statement?.columns;
      if (portal && described) {
        return described.map((column, index) => ({ ...column, binary: (portal.formats.length === 1 ? portal.formats[0] : portal.formats[index]) === 1 }));
      }
    }
    throw new MaskingUnknown('rows arrived that no row description describes');
  }

  /** RowDescription: per field name, table OID, attnum, type OID, size, modifier, format. */
  private describe(message: Buffer): Column[] {
    const reader = new MessageReader(message);
    return Array.from({ length: reader.int16() }, () => {
      reader.cstring();
      const table = reader.int32();
      const attnum = reader.int16();
      const type = reader.int32();
      reader.int16();
      reader.int32();
      const format = reader.int16();
      return { mask: table === 0 ? undefined : this.catalog.columns.get(`${table >>> 0}:${attnum}`), type, binary: format === 1 };
    });
  }

  private maskRow(message: Buffer, columns: Column[]): Buffer {
    if (!columns.some((column) => column.mask !== undefined)) return message;
    const reader = new MessageReader(message);
    const count = reader.int16();
    const parts: Buffer[] = [];
    for (let index = 0; index < count; index += 1) {
      const length = reader.int32();
      const value = length < 0 ? null : reader.bytes(length);
      const column = columns[index];
      const shown = value === null || column?.mask === undefined ? value : maskValue(column.mask, value, column.type, column.binary, this.hashKey);
      const size = Buffer.alloc(4);
      size.writeInt32BE(shown === null ? -1 : shown.length, 0);
      parts.push(shown === null ? size : Buffer.concat([size, shown]));
    }
    const body = Buffer.concat(parts);
    const header = Buffer.alloc(7);
    header.write('D', 0, 'latin1');
    header.writeInt32BE(body.length + 6, 1);
    header.writeInt16BE(count, 5);
    return Buffer.concat([header, body]);
  }
}
