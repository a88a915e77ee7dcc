// The Forge runtime emulator. Import it before anything that loads @forge/api: the runtime module installs
// the platform globals first, because @forge/api captures `fetch` when it loads.
export { createForgeRuntime, DEFAULT_APP_ACCOUNT_ID, DEFAULT_CLOUD_ID } from './runtime';
export type { ClockOptions, ForgeRuntime, ForgeRuntimeOptions, WebTriggerCall } from './runtime';
export type { ForgeProductEvent, JsmIdentity, ProductHandler } from './product';
export { ForgeEmulatorError, ForgeInvocationError } from './errors';
export type { ForgeEmulatorErrorCode } from './errors';
export type { InvocationRecord, ModuleKind } from './invocation-log';
export type { InvocationOutcome } from './invoker';
export { DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, WEBTRIGGER_TIMEOUT_SECONDS, timeLimitSeconds } from './time-limits';
export type { ResolverCall } from './modules/resolvers';
export type { TriggerDelivery } from './modules/product-triggers';
export type { WebTriggerRequest, WebTriggerResponse } from './modules/web-triggers';
export type { WebTriggerListener } from './web-trigger-server';
export type { AsyncEvent } from './queue';
export { DEFAULT_MAX_RETRIES } from './queue';
export { SCHEDULE_INTERVAL_MS } from './modules/scheduled-triggers';
export { VERIFIED_FORGE_VERSIONS, assertVerifiedForgeVersions, installedForgeVersion } from './verified-versions';
