import type { DriverFactory, Engine } from './driver';
import { mysqlDriver } from './mysql';
import { pgliteDriver } from './pglite';
import { postgresDriver } from './postgres';

export const driverFactories: Record<Engine, DriverFactory> = {
  postgres: postgresDriver,
  mysql: mysqlDriver,
  pglite: pgliteDriver,
};
