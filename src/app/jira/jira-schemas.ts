import { z } from 'zod';

/**
 * The slices of Jira and JSM responses the app reads, parsed once here. Loose objects: Jira adds fields
 * over time, and the app must not break on a field it does not read.
 */

export const userRefSchema = z.looseObject({ accountId: z.string(), emailAddress: z.string().optional(), displayName: z.string().optional() });

/** JSM `CustomerRequestDTO` (GET /rest/servicedeskapi/request/{key}). */
export const customerRequestSchema = z.looseObject({
  issueId: z.string(),
  issueKey: z.string(),
  requestTypeId: z.string(),
  serviceDeskId: z.string(),
  reporter: userRefSchema,
  requestFieldValues: z.array(z.looseObject({ fieldId: z.string(), value: z.unknown() })),
  currentStatus: z.looseObject({ status: z.string() }),
});

const statusSchema = z.looseObject({ id: z.string(), name: z.string() });

/** Jira `IssueBean` with the fields the app asks for; custom fields are read by id. */
export const issueSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: z.record(z.string(), z.unknown()).default({}),
});

export const issueStatusFieldsSchema = z.looseObject({ status: statusSchema });

export const transitionsSchema = z.looseObject({
  transitions: z.array(z.looseObject({ id: z.string(), name: z.string(), to: statusSchema })),
});

/** JSM `ApprovalDTO` page. */
export const approvalsSchema = z.looseObject({
  values: z.array(
    z.looseObject({
      id: z.string(),
      finalDecision: z.enum(['approved', 'declined', 'pending']),
      approvers: z.array(z.looseObject({ approver: userRefSchema, approverDecision: z.enum(['approved', 'declined', 'pending']) })),
    }),
  ),
});

export const groupMembersSchema = z.looseObject({
  values: z.array(userRefSchema),
  isLast: z.boolean().optional(),
});

export const userGroupsSchema = z.array(z.looseObject({ name: z.string() }));

export const fieldListSchema = z.array(z.looseObject({ id: z.string(), name: z.string(), custom: z.boolean() }));

export const createdFieldSchema = z.looseObject({ id: z.string(), name: z.string() });

export const createdIssueSchema = z.looseObject({ id: z.string(), key: z.string() });

export const serviceDeskSchema = z.looseObject({ id: z.string(), projectId: z.string(), projectKey: z.string(), projectName: z.string() });

export const serviceDeskPageSchema = z.looseObject({ values: z.array(serviceDeskSchema), isLastPage: z.boolean().optional() });

/** JSM `RequestTypeDTO`; a type in no group is not on the portal. */
export const requestTypeSchema = z.looseObject({ id: z.string(), name: z.string(), issueTypeId: z.string(), groupIds: z.array(z.string()).default([]) });

export const requestTypePageSchema = z.looseObject({ values: z.array(requestTypeSchema) });

export const projectSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  /** `classic` (company-managed) or `next-gen` (team-managed). */
  style: z.string().optional(),
  issueTypes: z.array(z.looseObject({ id: z.string(), name: z.string() })).default([]),
  /** The project lead, who is given break-glass review tasks. */
  lead: z.looseObject({ accountId: z.string() }).optional(),
});

/** JSM `PagedDTOCommentDTO`: a request's comments, their body as text. */
/** Jira platform `Attachment`: `content` is where its bytes are read (the link a person follows). */
export const attachmentSchema = z.looseObject({ id: z.string(), filename: z.string(), size: z.number().int(), content: z.string() });

export const issueAttachmentsSchema = z.looseObject({ fields: z.looseObject({ attachment: z.array(attachmentSchema).default([]) }) });

/** A platform comment's ADF body, read for the text of its top-level blocks (Jira may answer nodes the app never writes). */
const adfBlocksSchema = z.looseObject({ content: z.array(z.looseObject({ content: z.array(z.looseObject({ text: z.string().optional() })).default([]) })).default([]) });

export const platformCommentPageSchema = z.looseObject({ comments: z.array(z.looseObject({ body: adfBlocksSchema })) });

export const commentPageSchema = z.looseObject({ values: z.array(z.looseObject({ body: z.string() })) });

/** Jira `User`: what the app reads of an account. */
export const userSchema = z.looseObject({ accountId: z.string(), displayName: z.string() });

/** Jira `EntityProperty`: one issue property. */
export const propertySchema = z.looseObject({ key: z.string(), value: z.unknown() });

/** Jira `SearchAndReconcileResults`: one page of an enhanced JQL search. */
export const searchPageSchema = z.looseObject({ issues: z.array(issueSchema).default([]) });

export type CustomerRequest = z.infer<typeof customerRequestSchema>;
export type Issue = z.infer<typeof issueSchema>;
export type Attachment = z.infer<typeof attachmentSchema>;
export type Transition = z.infer<typeof transitionsSchema>['transitions'][number];
export type Approvals = z.infer<typeof approvalsSchema>;
export type ServiceDesk = z.infer<typeof serviceDeskSchema>;
export type RequestType = z.infer<typeof requestTypeSchema>;
