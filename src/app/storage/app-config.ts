import { z } from 'zod';

/**
 * What the app needs besides the core settings: where its request fields live, the change request's
 * planned-window fields (discovered with the field API, never hard-coded), the break-glass alert webhook,
 * the SIEM webhook and who counts as an admin or agent.
 */
export const appConfigSchema = z.strictObject({
  fields: z
    .strictObject({
      target: z.string().min(1).optional(),
      accessLevel: z.string().min(1).optional(),
      duration: z.string().min(1).optional(),
      justification: z.string().min(1).optional(),
      change: z.string().min(1).optional(),
    })
    .default({}),
  /** The service desk's project; events of other projects are ignored without a REST call. */
  projectKey: z.string().min(1).optional(),
  changeFields: z.strictObject({ plannedStart: z.string().min(1).optional(), plannedEnd: z.string().min(1).optional() }).default({}),
  /** Receives a JSON alert for every break-glass grant (chat or SIEM); its address must be in the manifest's egress. */
  alertWebhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Whom requesters ask for help (a group, a person or a page), shown on the portal form and in failure comments. */
  contact: z.string().trim().min(1).max(200).optional(),
  /**
   * Receives every lifecycle event and every activity digest as JSON (a SIEM's HTTP collector), retried by the
   * sweep until it answers 2xx; its address must be in the manifest's egress.
   */
  siemWebhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Issue type of the follow-up review task a break-glass grant creates, in the request's project. */
  reviewIssueType: z.string().min(1).default('Task'),
  adminGroups: z.array(z.string().min(1)).min(1).default(['jira-admins', 'site-admins', 'jira-administrators']),
  agentGroups: z.array(z.string().min(1)).min(1).default(['jira-servicedesk-agents']),
  /** The requester is warned this long before access ends (grants at least twice as long only). */
  warnBeforeMinutes: z.number().int().min(1).max(240).default(15),
  /** Grant attempts before a grant is marked failed. */
  maxGrantAttempts: z.number().int().min(1).max(10).default(5),
});

export type AppConfig = z.infer<typeof appConfigSchema>;
export type AppConfigInput = z.input<typeof appConfigSchema>;
