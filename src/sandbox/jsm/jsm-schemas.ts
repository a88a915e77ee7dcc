import { z } from 'zod';

/**
 * Response shapes of the JSM REST API (`/rest/servicedeskapi`), written once from Atlassian's JSM REST
 * reference (CustomerRequestDTO, ApprovalDTO, RequestTypeDTO, RequestTypeFieldDTO, CommentDTO,
 * PagedDTO). Loose objects: JSM adds fields over time; these name what callers rely on.
 */
export const dateDtoSchema = z.looseObject({
  iso8601: z.string(),
  jira: z.string().optional(),
  friendly: z.string(),
  epochMillis: z.number().int(),
});

export const userDtoSchema = z.looseObject({
  accountId: z.string(),
  emailAddress: z.string().optional(),
  displayName: z.string(),
  active: z.boolean().optional(),
  timeZone: z.string().optional(),
  _links: z.looseObject({ jiraRest: z.string().optional(), avatarUrls: z.record(z.string(), z.string()).optional(), self: z.string().optional() }).optional(),
});

export const selfLinkSchema = z.looseObject({ self: z.string() });

export const pagedSchema = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    size: z.number().int().nonnegative(),
    start: z.number().int().nonnegative(),
    limit: z.number().int().nonnegative(),
    isLastPage: z.boolean(),
    values: z.array(item),
    _expands: z.array(z.string()).optional(),
    _links: z.looseObject({ base: z.string(), context: z.string(), next: z.string().optional(), prev: z.string().optional(), self: z.string() }),
  });

export const serviceDeskSchema = z.looseObject({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  projectKey: z.string(),
  _links: selfLinkSchema.optional(),
});

export const requestTypeSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  helpText: z.string().optional(),
  issueTypeId: z.string(),
  serviceDeskId: z.string(),
  portalId: z.string().optional(),
  groupIds: z.array(z.string()),
  _links: selfLinkSchema.optional(),
});

export const requestTypeFieldValueSchema: z.ZodType<{ value: string; label: string; children: unknown[] }> = z.looseObject({
  value: z.string(),
  label: z.string(),
  children: z.array(z.lazy(() => requestTypeFieldValueSchema)),
});

export const requestTypeFieldSchema = z.looseObject({
  fieldId: z.string(),
  name: z.string(),
  description: z.string(),
  required: z.boolean(),
  defaultValues: z.array(z.unknown()).optional(),
  validValues: z.array(requestTypeFieldValueSchema),
  presetValues: z.array(z.string()).optional(),
  jiraSchema: z.looseObject({ type: z.string(), items: z.string().optional(), system: z.string().optional(), custom: z.string().optional(), customId: z.number().int().optional() }),
  visible: z.boolean().optional(),
});

export const requestTypeFieldsSchema = z.looseObject({
  requestTypeFields: z.array(requestTypeFieldSchema),
  canRaiseOnBehalfOf: z.boolean(),
  canAddRequestParticipants: z.boolean(),
});

export const statusCategorySchema = z.enum(['UNDEFINED', 'NEW', 'INDETERMINATE', 'DONE']);

export const customerRequestSchema = z.looseObject({
  _expands: z.array(z.string()).optional(),
  issueId: z.string(),
  issueKey: z.string(),
  requestTypeId: z.string(),
  serviceDeskId: z.string(),
  createdDate: dateDtoSchema,
  reporter: userDtoSchema,
  requestFieldValues: z.array(z.looseObject({ fieldId: z.string(), label: z.string(), value: z.unknown() })),
  currentStatus: z.looseObject({ status: z.string(), statusCategory: statusCategorySchema, statusDate: dateDtoSchema }),
  _links: z.looseObject({ jiraRest: z.string(), web: z.string(), agent: z.string(), self: z.string() }),
});

export const approvalDecisionSchema = z.enum(['approved', 'declined', 'pending']);

export const approvalSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  finalDecision: approvalDecisionSchema,
  canAnswerApproval: z.boolean(),
  approvers: z.array(z.looseObject({ approver: userDtoSchema, approverDecision: approvalDecisionSchema })),
  createdDate: dateDtoSchema,
  completedDate: dateDtoSchema.optional(),
  _links: selfLinkSchema.optional(),
});

export const commentSchema = z.looseObject({
  id: z.string(),
  body: z.string(),
  renderedBody: z.looseObject({ html: z.string() }).optional(),
  public: z.boolean(),
  author: userDtoSchema,
  created: dateDtoSchema,
  _links: selfLinkSchema.optional(),
});

/** The JSM error body. */
export const jsmErrorSchema = z.looseObject({
  errorMessage: z.string(),
  i18nErrorMessage: z.looseObject({ i18nKey: z.string(), parameters: z.array(z.string()) }).optional(),
});

/** Request bodies the JSM routes accept. */
export const createCustomerRequestSchema = z.looseObject({
  serviceDeskId: z.string(),
  requestTypeId: z.string(),
  requestFieldValues: z.record(z.string(), z.unknown()),
  raiseOnBehalfOf: z.string().optional(),
  requestParticipants: z.array(z.string()).optional(),
});
export const approvalDecisionRequestSchema = z.strictObject({ decision: z.enum(['approve', 'decline']) });
export const createCommentRequestSchema = z.strictObject({ body: z.string(), public: z.boolean() });
export const createRequestTypeRequestSchema = z.strictObject({
  issueTypeId: z.string(),
  name: z.string(),
  description: z.string().optional(),
  helpText: z.string().optional(),
});

export type CustomerRequest = z.infer<typeof customerRequestSchema>;
export type Approval = z.infer<typeof approvalSchema>;
export type RequestType = z.infer<typeof requestTypeSchema>;
export type RequestTypeFieldDto = z.infer<typeof requestTypeFieldSchema>;
export type JsmComment = z.infer<typeof commentSchema>;
