/**
 * What Atlassian's OpenAPI descriptions say about each operation the emulator serves: the scope sets that
 * allow it (`x-atlassian-oauth2-scopes`, or `security` where that is absent; any one set suffices) and
 * whether it is experimental (`x-experimental`: JSM wants `X-ExperimentalApi: opt-in`). Copied from
 * ../shared/atlassian/*.openapi.json; test/sandbox/jsm/operation-policy.test.ts checks every entry against
 * those files, and that every route has one.
 */
export type OperationPolicy = { scopes: readonly (readonly string[])[]; experimental?: true };

export const OPERATION_POLICIES: Readonly<Record<string, OperationPolicy>> = {
  'GET /rest/api/3/project': { scopes: [['read:jira-work'], ['read:issue-type:jira', 'read:project:jira', 'read:project.property:jira', 'read:user:jira', 'read:application-role:jira', 'read:avatar:jira', 'read:group:jira', 'read:issue-type-hierarchy:jira', 'read:project-category:jira', 'read:project-version:jira', 'read:project.component:jira']] },
  'GET /rest/api/3/project/{projectIdOrKey}': { scopes: [['read:jira-work'], ['read:issue-type:jira', 'read:project:jira', 'read:project.property:jira', 'read:user:jira', 'read:application-role:jira', 'read:avatar:jira', 'read:group:jira', 'read:issue-type-hierarchy:jira', 'read:project-category:jira', 'read:project-version:jira', 'read:project.component:jira']] },
  'GET /rest/api/3/issue/{issueIdOrKey}': { scopes: [['read:jira-work'], ['read:issue-meta:jira', 'read:issue-security-level:jira', 'read:issue.vote:jira', 'read:issue.changelog:jira', 'read:avatar:jira', 'read:issue:jira', 'read:status:jira', 'read:user:jira', 'read:field-configuration:jira']] },
  'POST /rest/api/3/issue': { scopes: [['write:jira-work'], ['write:issue:jira', 'write:comment:jira', 'write:comment.property:jira', 'write:attachment:jira', 'read:issue:jira']] },
  'PUT /rest/api/3/issue/{issueIdOrKey}': { scopes: [['write:jira-work'], ['write:issue:jira']] },
  'GET /rest/api/3/issue/{issueIdOrKey}/transitions': { scopes: [['read:jira-work'], ['read:issue.transition:jira', 'read:status:jira', 'read:field-configuration:jira']] },
  'POST /rest/api/3/issue/{issueIdOrKey}/transitions': { scopes: [['write:jira-work'], ['write:issue:jira', 'write:issue.property:jira']] },
  'GET /rest/api/3/issue/{issueIdOrKey}/comment': { scopes: [['read:jira-work'], ['read:comment:jira', 'read:comment.property:jira', 'read:group:jira', 'read:project:jira', 'read:project-role:jira', 'read:user:jira', 'read:avatar:jira']] },
  'GET /rest/api/3/issue/{issueIdOrKey}/comment/{id}': { scopes: [['read:jira-work'], ['read:comment:jira', 'read:comment.property:jira', 'read:group:jira', 'read:project:jira', 'read:project-role:jira', 'read:user:jira', 'read:avatar:jira']] },
  'POST /rest/api/3/issue/{issueIdOrKey}/comment': { scopes: [['write:jira-work'], ['read:comment:jira', 'read:comment.property:jira', 'read:group:jira', 'read:project:jira', 'read:project-role:jira', 'read:user:jira', 'write:comment:jira', 'read:avatar:jira']] },
  'GET /rest/api/3/issue/{issueIdOrKey}/properties': { scopes: [['read:jira-work'], ['read:issue.property:jira']] },
  'GET /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}': { scopes: [['read:jira-work'], ['read:issue.property:jira']] },
  'PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}': { scopes: [['write:jira-work'], ['write:issue.property:jira']] },
  'DELETE /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}': { scopes: [['write:jira-work'], ['delete:issue.property:jira']] },
  'POST /rest/api/3/issue/{issueIdOrKey}/attachments': { scopes: [['write:jira-work'], ['read:user:jira', 'write:attachment:jira', 'read:attachment:jira', 'read:avatar:jira']] },
  'GET /rest/api/3/attachment/content/{id}': { scopes: [['read:jira-work'], ['read:attachment:jira']] },
  'GET /rest/api/3/issueLinkType': { scopes: [['read:jira-work'], ['read:issue-link-type:jira']] },
  'POST /rest/api/3/issue/{issueIdOrKey}/notify': { scopes: [['write:jira-work'], ['send:notification:jira']] },
  'POST /rest/api/3/issueLink': { scopes: [['write:jira-work'], ['write:comment:jira', 'write:issue:jira', 'write:issue-link:jira']] },
  'GET /rest/api/3/field': { scopes: [['read:jira-work'], ['read:field:jira', 'read:avatar:jira', 'read:project-category:jira', 'read:project:jira', 'read:field-configuration:jira']] },
  'POST /rest/api/3/field': { scopes: [['manage:jira-configuration'], ['write:field:jira', 'read:avatar:jira', 'read:field:jira', 'read:project-category:jira', 'read:project:jira', 'read:field-configuration:jira']] },
  'GET /rest/api/3/user': { scopes: [['read:jira-user'], ['read:application-role:jira', 'read:group:jira', 'read:user:jira', 'read:avatar:jira']] },
  'GET /rest/api/3/myself': { scopes: [['read:jira-user'], ['read:application-role:jira', 'read:group:jira', 'read:user:jira', 'read:avatar:jira']] },
  'GET /rest/api/3/user/search': { scopes: [['read:jira-user'], ['read:user:jira', 'read:user.property:jira', 'read:application-role:jira', 'read:avatar:jira', 'read:group:jira']] },
  'GET /rest/api/3/user/groups': { scopes: [['read:jira-user'], ['read:group:jira']] },
  'GET /rest/api/3/group/member': { scopes: [['manage:jira-configuration'], ['read:group:jira', 'read:user:jira', 'read:avatar:jira']] },
  'POST /rest/api/3/search/jql': { scopes: [['read:jira-work'], ['read:issue-details:jira', 'read:field.default-value:jira', 'read:field.option:jira', 'read:field:jira', 'read:group:jira']] },
  'GET /rest/api/3/search/jql': { scopes: [['read:jira-work'], ['read:issue-details:jira', 'read:audit-log:jira', 'read:avatar:jira', 'read:field-configuration:jira', 'read:issue-meta:jira']] },
  'GET /rest/servicedeskapi/servicedesk': { scopes: [['read:servicedesk-request'], ['read:servicedesk:jira-service-management']] },
  'GET /rest/servicedeskapi/servicedesk/{serviceDeskId}': { scopes: [['read:servicedesk-request'], ['read:servicedesk:jira-service-management']] },
  'GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype': { scopes: [['read:servicedesk-request'], ['read:requesttype:jira-service-management']] },
  'POST /rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype': { scopes: [['read:requesttype:jira-service-management', 'write:requesttype:jira-service-management']], experimental: true },
  'GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype/{requestTypeId}': { scopes: [['read:servicedesk-request'], ['read:requesttype:jira-service-management']] },
  'GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype/{requestTypeId}/field': { scopes: [['read:servicedesk-request'], ['read:requesttype:jira-service-management']] },
  'POST /rest/servicedeskapi/request': { scopes: [['write:servicedesk-request'], ['read:request:jira-service-management', 'write:request:jira-service-management', 'read:user:jira']] },
  'GET /rest/servicedeskapi/request': { scopes: [['read:servicedesk-request'], ['read:request:jira-service-management', 'read:user:jira']] },
  'GET /rest/servicedeskapi/request/{issueIdOrKey}': { scopes: [['read:servicedesk-request'], ['read:request:jira-service-management', 'read:user:jira']] },
  'GET /rest/servicedeskapi/request/{issueIdOrKey}/approval': { scopes: [['read:servicedesk-request'], ['read:request.approval:jira-service-management', 'read:user:jira']] },
  'GET /rest/servicedeskapi/request/{issueIdOrKey}/approval/{approvalId}': { scopes: [['read:servicedesk-request'], ['read:request.approval:jira-service-management', 'read:user:jira']] },
  'POST /rest/servicedeskapi/request/{issueIdOrKey}/approval/{approvalId}': { scopes: [['write:servicedesk-request'], ['read:request.approval:jira-service-management', 'write:request.approval:jira-service-management', 'read:user:jira']] },
  'GET /rest/servicedeskapi/request/{issueIdOrKey}/comment': { scopes: [['read:servicedesk-request'], ['read:request.comment:jira-service-management', 'read:user:jira']] },
  'GET /rest/servicedeskapi/request/{issueIdOrKey}/comment/{commentId}': { scopes: [['read:servicedesk-request'], ['read:request.comment:jira-service-management', 'read:user:jira']] },
  'POST /rest/servicedeskapi/request/{issueIdOrKey}/comment': { scopes: [['write:servicedesk-request'], ['read:request.comment:jira-service-management', 'write:request.comment:jira-service-management', 'read:user:jira']] },
  'DELETE /rest/api/3/issue/{issueIdOrKey}': { scopes: [['write:jira-work'], ['delete:issue:jira']] },
};

export const operationKey = (method: string, pathTemplate: string): string => `${method} ${pathTemplate}`;
