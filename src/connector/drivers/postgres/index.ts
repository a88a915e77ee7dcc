import type { DriverFactory } from '../driver';
import { PostgresDriver } from './driver';
import { checkPrivilege } from './privileges';

export const postgresDriver: DriverFactory = {
  engine: 'postgres',
  checkPrivilege,
  create: (target, log) => new PostgresDriver(target, log),
};
