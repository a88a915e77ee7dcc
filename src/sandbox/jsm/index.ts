export { createJsmEmulator, type JsmEmulator, type JsmEmulatorOptions } from './emulator';
export type { JsmAdmin, CreateUserInput, CreateProjectInput, CreateRequestTypeInput, RequestTypeFieldInput } from './admin';
export type { CallFilter, CallRecord } from './call-log';
export type { EventDelivery } from './event-bus';
export type { RateLimit } from './rate-limit';
export type { ForgeProductEvent, IssueCreatedEvent, IssueUpdatedEvent, IssueCommentedEvent, ChangelogItem, EventIssue, JsmIdentity } from './types';
export type { WorkflowConfig } from './workflow';
export { accessRequestWorkflow, changeWorkflow, simpleWorkflow } from './workflow-presets';
