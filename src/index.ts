// Exactly the handlers manifest.yml names.
export { onIssueEvent } from './app/triggers/on-issue-event';
export { onGrantJob } from './app/queue/on-grant-job';
export { onSweep } from './app/sweep/on-sweep';
export { onReconcile } from './app/sweep/on-reconcile';
export { onConnectorCallback } from './app/webtrigger/on-connector-callback';
export { resolverHandler } from './app/resolvers/resolver';
