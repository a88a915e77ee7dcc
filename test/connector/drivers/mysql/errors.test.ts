import { DriverError } from '../../../../src/connector/drivers/driver';
import { toDriverError } from '../../../../src/connector/drivers/mysql/errors';

function serverError(errno: number, code = 'SOME_CODE'): Error {
  return Object.assign(new Error(`server error ${errno}`), { errno, code, sqlState: 'HY000' });
}

describe('toDriverError', () => {
  test.each([
    [serverError(1205), 'failed', true],
    [serverError(1213), 'failed', true],
    [serverError(1396), 'conflict', false],
    [serverError(1045), 'failed', false],
    [serverError(1227), 'failed', false],
    [serverError(2003), 'unreachable', true],
    [serverError(1927, 'ER_CONNECTION_KILLED'), 'unreachable', true],
    // mysql2 names 4031 after MySQL; on MariaDB it is a different error, so only errno counts.
    [serverError(4031, 'ER_CLIENT_INTERACTION_TIMEOUT'), 'unreachable', true],
    [serverError(1959), 'invalid_access', false],
    [serverError(1146), 'invalid_access', false],
    [Object.assign(new Error('connect ECONNREFUSED'), { errno: -111, code: 'ECONNREFUSED' }), 'unreachable', true],
    [Object.assign(new Error('lost'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), 'unreachable', true],
    [serverError(1064), 'failed', false],
    [new Error('plain'), 'failed', false],
  ])('%p', (error, code, retryable) => {
    const result = toDriverError(error, 'grant');
    expect(result).toBeInstanceOf(DriverError);
    expect([result.code, result.retryable]).toEqual([code, retryable]);
    expect(result.message).toBe(`grant: ${error.message}`);
    expect(result.cause).toBe(error);
  });

  test('passes a DriverError through unchanged', () => {
    const original = new DriverError('sessions_remain', 'x', true);
    expect(toDriverError(original, 'revoke')).toBe(original);
  });
});
