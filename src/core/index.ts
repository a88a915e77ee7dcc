/** The public API of the domain core: pure functions and zod schemas, no I/O. */
export { CoreError, isCoreError, type CoreErrorCode } from './core-error';
export { parseDuration, formatDuration, describeDuration, isoDurationSchema } from './duration';
export {
  ruleConditionsSchema,
  ruleOutcomeSchema,
  policyRuleSchema,
  type RuleConditions,
  type RuleOutcome,
  type PolicyRule,
  type PolicyRuleInput,
} from './policy-schema';
export {
  settingsSchema,
  targetSchema,
  accessLevelSchema,
  approverGroupSchema,
  businessHoursSchema,
  statusNamesSchema,
  transitionNamesSchema,
  weekdaySchema,
  type Settings,
  type SettingsInput,
  type Target,
  type AccessLevel,
  type ApproverGroup,
  type BusinessHours,
  type StatusNames,
  type TransitionNames,
  type Weekday,
} from './settings-schema';
export { defaultSettings, defaultAccessLevels, defaultPolicies } from './default-settings';
export { parseSettings, loadDefaultSettings } from './parse-settings';
export { isWithinBusinessHours, localClock } from './business-hours';
export { accessRequestSchema, linkedChangeSchema, type AccessRequest, type AccessRequestInput, type LinkedChange } from './access-request';
export { describeBusinessHours, type ConditionCheck, type ConditionName } from './policy-conditions';
export { decide, DEFAULT_DENY, INVALID_REQUEST, type Decision, type RuleRef, type RuleTrace } from './decide';
export { describeRule } from './describe-rule';
export { decisionEvent } from './decision-event';
export {
  computeWindow,
  computeExtension,
  grantWindow,
  plannedWindowOf,
  usesPlannedWindow,
  type PlannedWindow,
  type WindowCap,
  type WindowInput,
  type GrantWindowFacts,
  type WindowRefusal,
  type WindowResult,
  type ExtensionInput,
  type ExtensionResult,
} from './window';
export {
  grantStateSchema,
  lifecycleEventSchema,
  LIFECYCLE,
  transition,
  allowedEvents,
  isFinal,
  type GrantState,
  type LifecycleEvent,
} from './lifecycle';
export {
  GRANT_PROPERTY_KEY,
  MAX_PROPERTY_CHARS,
  MAX_HISTORY,
  grantRecordSchema,
  historyEntrySchema,
  grantWindowSchema,
  newGrantRecord,
  recordTransition,
  markCredentialRevealed,
  grantIdOf,
  parseRecord,
  serializeRecord,
  type GrantRecord,
  type GrantRecordPatch,
  type GrantWindow,
  type HistoryEntry,
  type NewGrantRecord,
  type TransitionInput,
} from './grant-record';
export { grantIdFor, nextGrantId, ticketOfGrantId } from './grant-id';
export { statusAction, statusOfState, type StatusAction } from './status-action';
export { countApprovals, type ApprovalCount, type ApprovalCountInput } from './count-approvals';
export { isRetryable } from './retryable';
export { adfDocSchema, adfDoc, adfToText, strong, code, link, type AdfDoc, type AdfText, type AdfParagraph, type ParagraphPiece } from './adf';
export { auditEntry, auditComments, internalComment, publicComment, requesterReason, type AuditEntry, type AuditComments } from './audit';
export { readableTime } from './readable-time';
export { assertNoSecrets, type SecretFinding } from './secret-guard';
export {
  nextStep,
  retryAfterSeconds,
  warnAtOf,
  MAX_JOB_DELAY_SECONDS,
  JOB_GRACE_MS,
  type GrantFacts,
  type GrantEvent,
  type GrantEffect,
  type Extension,
  type ExtensionReply,
  type PendingExtension,
  type RevokeRequest,
  type NextStep,
  type StepSettings,
  type StepSpec,
  type TicketMove,
} from './next-step';
