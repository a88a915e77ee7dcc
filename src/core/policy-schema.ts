import { z } from 'zod';
import { isoDurationSchema } from './duration';

/** Policy rules as admins write them: ordered, first match wins, anything unmatched is denied. */

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'ids are lower-case letters, digits and dashes (at most 64)');

/** Every condition is optional and every one given must hold for the rule to match. */
export const ruleConditionsSchema = z.strictObject({
  accessLevels: z.array(z.string().min(1)).min(1).optional(),
  environments: z.array(z.string().min(1)).min(1).optional(),
  /** The requester is in at least one of these Jira groups. */
  requesterGroups: z.array(z.string().min(1)).min(1).optional(),
  businessHours: z.enum(['inside', 'outside']).optional(),
  /** The requested duration is at most this long. */
  maxDuration: isoDurationSchema.optional(),
  /** true: a change request is linked; false: none is. */
  changeLinked: z.boolean().optional(),
  /** true: the linked change is in one of settings.changes.approvedStatuses. */
  changeApproved: z.literal(true).optional(),
  /** true: the requested window lies inside the linked change's planned window. */
  withinChangeWindow: z.literal(true).optional(),
  breakGlass: z.boolean().optional(),
});

export const ruleOutcomeSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auto-approve') }),
  z.strictObject({ type: z.literal('approval'), group: idSchema, count: z.number().int().min(1).max(10) }),
  z.strictObject({ type: z.literal('deny'), message: z.string().max(500).optional() }),
]);

export const policyRuleSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).max(120),
  enabled: z.boolean().default(true),
  when: ruleConditionsSchema.default({}),
  then: ruleOutcomeSchema,
});

export type RuleConditions = z.infer<typeof ruleConditionsSchema>;
export type RuleOutcome = z.infer<typeof ruleOutcomeSchema>;
export type PolicyRule = z.infer<typeof policyRuleSchema>;
export type PolicyRuleInput = z.input<typeof policyRuleSchema>;
export { idSchema };
