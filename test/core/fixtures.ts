import { loadDefaultSettings, type Settings, type Target } from '../../src/core';

export const prod: Target = {
  id: 'orders-prod',
  engine: 'postgres',
  environment: 'prod',
  roles: ['read', 'write', 'ddl'],
  connect: { host: 'orders.db.internal', port: 5432, database: 'orders' },
};

export const dev: Target = {
  id: 'orders-dev',
  engine: 'mysql',
  environment: 'dev',
  roles: ['read', 'write'],
  connect: { host: 'orders-dev.db.internal', port: 3306, database: 'orders' },
};

/** The shipped defaults plus two targets, business hours Mon–Fri 09:00–17:00 Europe/Berlin. */
export function settingsWithTargets(): Settings {
  const settings = loadDefaultSettings();
  return {
    ...settings,
    targets: [prod, dev],
    businessHours: { ...settings.businessHours, timeZone: 'Europe/Berlin' },
  };
}
