import { z } from 'zod';
import { roleNameSchema, targetIdSchema } from '../../protocol';
import { guardSchema } from '../gateway/guards/guard-schema';
import { maskingSchema } from '../gateway/masking/mask-schema';

const accessSchema = z
  .strictObject({
    memberOf: z.array(z.string().min(1).max(63)).default([]),
    privileges: z.array(z.string().min(1).max(500)).default([]),
    /** gateway targets only: statements the gateway refuses for this level before they reach the database. */
    guard: z.array(guardSchema).optional(),
    /** gateway targets only: this level sees the target's masked columns in the clear. */
    unmasked: z.boolean().optional(),
    /** gateway targets only: this level may download a console result (each download is recorded as session `export`). */
    export: z.boolean().optional(),
  })
  .refine((access) => access.memberOf.length + access.privileges.length > 0, {
    message: 'an access level needs at least one memberOf role or privilege',
  });

const connectSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  database: z.string().min(1),
});

export const targetConfigSchema = z.strictObject({
  id: targetIdSchema,
  engine: z.enum(['postgres', 'mysql', 'pglite']),
  url: z.string().min(1),
  environment: z.string().min(1).max(40),
  connect: connectSchema.optional(),
  owner: z.string().min(1).max(63).optional(),
  marker: z.string().regex(/^[a-z_][a-z0-9_]{0,31}$/, 'marker must be a plain lowercase identifier').optional(),
  /** pglite only: load the demo schema into an empty database. */
  seed: z.enum(['demo']).optional(),
  /** direct (when omitted): requesters connect to the database; gateway: to the connector's SQL gateway, which records every statement. */
  access: z.enum(['direct', 'gateway']).optional(),
  /** gateway only: statements recorded normalized (literals replaced) or in full. */
  record: z.enum(['normalized', 'full']).optional(),
  /** gateway only: `schema.table.column` -> how it is shown to levels without `unmasked: true`. */
  masking: maskingSchema.optional(),
  roles: z.record(roleNameSchema, accessSchema).refine((roles) => Object.keys(roles).length > 0, 'a target needs at least one role'),
});

const endpointSchema = z.strictObject({ host: z.string().min(1), port: z.number().int().min(0).max(65535) });

const gatewaySchema = z.strictObject({
  postgres: z
    .strictObject({
      listen: endpointSchema,
      /** What requesters are told to connect to; the listen address when omitted. */
      advertise: endpointSchema.optional(),
      tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
    })
    .optional(),
  /** The MySQL-wire listener, for mysql targets (MySQL and MariaDB) with access: gateway. */
  mysql: z
    .strictObject({
      listen: endpointSchema,
      advertise: endpointSchema.optional(),
      tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
    })
    .optional(),
});

const secretSchema = z.string().min(16, 'a signing secret needs at least 16 characters');

export const connectorConfigSchema = z
  .strictObject({
    listen: z.strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(8787) }).prefault({}),
    secrets: z.array(secretSchema).min(1, 'at least one signing secret is needed'),
    ledger: z
      .string()
      .regex(/^(file:.+|postgres(ql)?:\/\/.+)$/, 'ledger must be file:<dir> or postgres://…')
      .default('file:./data/ledger'),
    callback: z.strictObject({ url: z.url({ protocol: /^https?$/ }) }).optional(),
    gateway: gatewaySchema.optional(),
    targets: z.array(targetConfigSchema).min(1, 'at least one target is needed'),
  })
  .superRefine((config, ctx) => {
    config.targets.forEach((target, index) => {
      if (target.seed && target.engine !== 'pglite') {
        ctx.addIssue({ code: 'custom', path: ['targets', index, 'seed'], message: 'seed is only for pglite targets' });
      }
      if (target.access === 'gateway' && target.engine === 'pglite') {
        ctx.addIssue({ code: 'custom', path: ['targets', index, 'access'], message: 'the gateway serves postgres and mysql targets' });
      }
      if (target.access === 'gateway' && target.engine === 'postgres' && !config.gateway?.postgres) {
        ctx.addIssue({ code: 'custom', path: ['targets', index, 'access'], message: 'access: gateway needs a gateway.postgres block' });
      }
      if (target.access === 'gateway' && target.engine === 'mysql' && !config.gateway?.mysql) {
        ctx.addIssue({ code: 'custom', path: ['targets', index, 'access'], message: 'access: gateway needs a gateway.mysql block' });
      }
      if (target.record && target.access !== 'gateway') {
        ctx.addIssue({ code: 'custom', path: ['targets', index, 'record'], message: 'record is only for targets with access: gateway' });
      }
      if (target.masking && target.access !== 'gateway') {
        ctx.addIssue({ code: 'custom', path: ['targets', index, 'masking'], message: 'masking is only for targets with access: gateway (a direct login reads the database itself: leave the column out of its privileges instead)' });
      }
      for (const [role, level] of Object.entries(target.roles)) {
        for (const key of ['guard', 'unmasked', 'export'] as const) {
          if (level[key] !== undefined && target.access !== 'gateway') {
            ctx.addIssue({ code: 'custom', path: ['targets', index, 'roles', role, key], message: `${key} is only for targets with access: gateway (a direct login is not seen by the connector)` });
          }
        }
      }
    });
  });

export type ConnectorConfig = z.infer<typeof connectorConfigSchema>;
export type TargetConfig = z.infer<typeof targetConfigSchema>;
