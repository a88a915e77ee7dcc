import { DatabaseError } from 'pg';
import { z } from 'zod';
import { DriverError } from '../../../../src/connector/drivers/driver';
import { toDriverError } from '../../../../src/connector/drivers/postgres/errors';

function databaseError(code: string): DatabaseError {
  const error = new DatabaseError('server said no', 0, 'error');
  error.code = code;
  return error;
}

function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, syscall: 'connect' });
}

describe('toDriverError', () => {
  it.each([
    ['08006', 'unreachable', true],
    ['57P01', 'unreachable', true],
    ['57P03', 'unreachable', true],
    ['53300', 'unreachable', true],
    ['28P01', 'unreachable', true],
    ['40001', 'failed', true],
    ['40P01', 'failed', true],
    ['55P03', 'failed', true],
    ['57014', 'failed', true],
    ['42501', 'failed', false],
    ['42601', 'failed', false],
    ['42704', 'failed', false],
    ['2BP01', 'failed', false],
    ['XX000', 'failed', false],
  ])('SQLSTATE %s → %s, retryable %s', (code, expected, retryable) => {
    const error = toDriverError(databaseError(code), 'revoke');
    expect(error).toMatchObject({ code: expected, retryable, message: `revoke: server said no (SQLSTATE ${code})` });
  });

  it.each([['42704'], ['42P01'], ['3F000'], ['3D000']])('SQLSTATE %s while applying access → invalid_access', (code) => {
    expect(toDriverError(databaseError(code), 'grant', { applyingAccess: true })).toMatchObject({ code: 'invalid_access', retryable: false });
  });

  it('a retryable SQLSTATE stays retryable while applying access', () => {
    expect(toDriverError(databaseError('40P01'), 'grant', { applyingAccess: true })).toMatchObject({ code: 'failed', retryable: true });
  });

  it.each([['ECONNREFUSED'], ['ECONNRESET'], ['ETIMEDOUT']])('connection failure %s → unreachable, retryable', (code) => {
    expect(toDriverError(systemError(code), 'grant')).toMatchObject({ code: 'unreachable', retryable: true });
  });

  it('a plain Error from pg (connection terminated, pool timeout) → unreachable, retryable', () => {
    expect(toDriverError(new Error('Connection terminated unexpectedly'), 'grant')).toMatchObject({ code: 'unreachable', retryable: true });
  });

  it('bugs and bad input on our side are not retried', () => {
    expect(toDriverError(new TypeError('x is undefined'), 'grant')).toMatchObject({ code: 'failed', retryable: false });
    const zodError = z.object({ a: z.string() }).safeParse({}).error;
    expect(toDriverError(zodError, 'list')).toMatchObject({ code: 'failed', retryable: false });
  });

  it('passes DriverErrors through unchanged', () => {
    const original = new DriverError('conflict', 'exists', false);
    expect(toDriverError(original, 'grant')).toBe(original);
  });
});
