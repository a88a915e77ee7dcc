import type { DriverFactory } from '../driver';
import { MysqlDriver } from './driver';
import { checkPrivilege } from './privileges';

/** MySQL 8 and MariaDB 10.11 targets (engine `mysql`); the flavour is detected at the first operation. */
export const mysqlDriver: DriverFactory = {
  engine: 'mysql',
  checkPrivilege,
  create: (target, log) => new MysqlDriver(target, log),
};
