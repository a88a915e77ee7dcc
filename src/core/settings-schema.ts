import { z } from 'zod';
import { isoDurationSchema, parseDuration } from './duration';
import { idSchema, policyRuleSchema } from './policy-schema';

/** The app's whole configuration, as the admin page saves it and every handler reads it. */

export const targetSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'target ids match [a-z0-9-]{1,40}'),
  engine: z.enum(['postgres', 'mysql', 'pglite']),
  environment: z.string().min(1),
  roles: z.array(z.string().min(1)),
  // Port 0: an embedded (PGlite) target, which no database client reaches.
  connect: z.strictObject({ host: z.string().min(1), port: z.number().int().min(0).max(65535), database: z.string() }),
});

export const accessLevelSchema = z
  .strictObject({
    id: idSchema,
    name: z.string().min(1).max(120),
    description: z.string().max(1000).default(''),
    /** The role name the connector's target offers (protocol `role`). */
    connectorRole: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'connector roles match [A-Za-z0-9_-]{1,40}'),
    defaultDuration: isoDurationSchema,
    maxDuration: isoDurationSchema,
    requiresChange: z.boolean().default(false),
    breakGlass: z.boolean().default(false),
    /** Access starts no earlier and ends no later than a planned window (the linked change's). */
    boundToWindow: z.boolean().default(false),
  })
  .superRefine((level, ctx) => {
    if (safeMs(level.defaultDuration) > safeMs(level.maxDuration)) {
      ctx.addIssue({ code: 'custom', path: ['defaultDuration'], message: 'the default duration is longer than the maximum' });
    }
  });

export const approverGroupSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).max(120),
  /** The Jira group whose members may approve. */
  jiraGroup: z.string().min(1),
});

const clockSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'times are HH:MM, 24-hour');

export const weekdaySchema = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

export const businessHoursSchema = z
  .strictObject({
    timeZone: z.string().refine(isTimeZone, 'not an IANA time zone, e.g. Europe/Berlin or UTC'),
    days: z.array(weekdaySchema).min(1),
    start: clockSchema,
    end: clockSchema,
  })
  .refine((hours) => hours.start < hours.end, { path: ['end'], message: 'business hours must end after they start (same day)' });

/** Ticket status names, as the service desk's workflow spells them. */
export const statusNamesSchema = z.strictObject({
  awaitingApproval: z.string().min(1),
  approved: z.string().min(1),
  granted: z.string().min(1),
  expired: z.string().min(1),
  revoked: z.string().min(1),
  denied: z.string().min(1),
  declined: z.string().min(1),
  failed: z.string().min(1),
  /** Moving the ticket to any of these (resolved, cancelled…) ends access early. */
  endAccess: z.array(z.string().min(1)),
});

/** Names of the workflow transitions the app performs itself. */
export const transitionNamesSchema = z.strictObject({
  approve: z.string().min(1),
  deny: z.string().min(1),
  markGranted: z.string().min(1),
  markExpired: z.string().min(1),
  markRevoked: z.string().min(1),
  markFailed: z.string().min(1),
  /** From the failed status back to the one of a grant in progress (approved), when an admin retries. Defaulted so settings saved before it existed stay valid. */
  retry: z.string().min(1).default('Retry access'),
  /** From the approval status to a closed one, when the requester withdraws a request nobody approved yet. Defaulted like `retry`. */
  cancel: z.string().min(1).default('Cancel request'),
});

export const settingsSchema = z
  .strictObject({
    connectorUrl: z.url({ protocol: /^https?$/, error: 'the connector URL must be an http(s) URL' }),
    targets: z.array(targetSchema),
    accessLevels: z.array(accessLevelSchema).min(1),
    policies: z.array(policyRuleSchema),
    approverGroups: z.array(approverGroupSchema),
    businessHours: businessHoursSchema,
    statuses: statusNamesSchema,
    transitions: transitionNamesSchema,
    changes: z.strictObject({
      /** Statuses of a linked change request that count as approved. */
      approvedStatuses: z.array(z.string().min(1)),
    }),
    requestTypes: z.strictObject({
      serviceDeskId: z.string().min(1).optional(),
      access: z.string().min(1).optional(),
      breakGlass: z.string().min(1).optional(),
    }),
  })
  .superRefine((settings, ctx) => {
    unique(settings.targets, 'targets', ctx);
    unique(settings.accessLevels, 'accessLevels', ctx);
    unique(settings.policies, 'policies', ctx);
    unique(settings.approverGroups, 'approverGroups', ctx);
    const levels = new Set(settings.accessLevels.map((level) => level.id));
    const groups = new Set(settings.approverGroups.map((group) => group.id));
    settings.policies.forEach((rule, index) => {
      for (const level of rule.when.accessLevels ?? []) {
        if (!levels.has(level)) {
          ctx.addIssue({ code: 'custom', path: ['policies', index, 'when', 'accessLevels'], message: `unknown access level "${level}"` });
        }
      }
      if (rule.then.type === 'approval' && !groups.has(rule.then.group)) {
        ctx.addIssue({ code: 'custom', path: ['policies', index, 'then', 'group'], message: `unknown approver group "${rule.then.group}"` });
      }
    });
  });

function unique(items: ReadonlyArray<{ id: string }>, path: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [path, index, 'id'], message: `duplicate id "${item.id}"` });
    seen.add(item.id);
  });
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Invalid durations are reported by their own field; here they only must not throw. */
function safeMs(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    return Number.NaN;
  }
}

export type Target = z.infer<typeof targetSchema>;
export type AccessLevel = z.infer<typeof accessLevelSchema>;
export type ApproverGroup = z.infer<typeof approverGroupSchema>;
export type Weekday = z.infer<typeof weekdaySchema>;
export type BusinessHours = z.infer<typeof businessHoursSchema>;
export type StatusNames = z.infer<typeof statusNamesSchema>;
export type TransitionNames = z.infer<typeof transitionNamesSchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;
