import { escapeLiteral } from 'pg';
import { MessageReader } from '../wire/frontend-messages';
import type { Refusal } from './check-guards';

/**
 * The statement sent to the database in place of a refused one: it does nothing but fail, with SQLSTATE 42501 and
 * the guard's message. The refused text never reaches the database, and the server itself answers the client, so
 * the session's transaction state (a refusal inside BEGIN aborts the transaction, as an error would) and every
 * message that follows stay exactly as the client expects. Needs PL/pgSQL, present in every database by default;
 * where it was removed the server refuses the DO itself, so the statement is still refused.
 */
export function refusedStatement(refusal: Refusal): string {
  return `DO $jit_guard$BEGIN RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = ${escapeLiteral(refusal.message)}; END$jit_guard$`;
}

/** A simple Query message carrying `text`. */
export function queryMessage(text: string): Buffer {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const header = Buffer.alloc(5);
  header.write('Q', 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const TEXT_OID = 25;

/**
 * The Parse message `message` with its statement text replaced by the refused statement. The client will Bind as
 * many values as the refused text had parameters, so the replacement declares that many: the client's declared
 * types kept, the others (and unspecified ones) as text, which any value sent as text fits.
 */
export function refusedParse(message: Buffer, refusal: Refusal): Buffer {
  const reader = new MessageReader(message);
  const name = reader.cstring();
  reader.cstring();
  const declared = Array.from({ length: reader.int16() }, () => reader.int32());
  const types = Array.from({ length: Math.max(declared.length, refusal.parameters) }, (_, index) => declared[index] || TEXT_OID);
  const oids = Buffer.alloc(2 + 4 * types.length);
  oids.writeInt16BE(types.length, 0);
  types.forEach((oid, index) => oids.writeInt32BE(oid, 2 + 4 * index));
  const body = Buffer.concat([Buffer.from(`${name}\0${refusedStatement(refusal)}\0`, 'utf8'), oids]);
  const header = Buffer.alloc(5);
  header.write('P', 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
