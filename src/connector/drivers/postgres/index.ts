import type { DriverFactory } from '../driver';
import { PostgresDriver } from './driver';
import { checkPrivilege, createsObjects } from './privileges';

export const postgresDriver: DriverFactory = {
  engine: 'postgres',
  checkPrivilege,
  createsObjects,
  create: (target, log) => new PostgresDriver(target, log),
};
