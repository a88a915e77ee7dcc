export { onIssueEvent } from './app/on-issue-event';
