import { z } from 'zod';
import type { State, Status, StatusCategoryKey } from './state';

const approversSchema = z.union([
  z.strictObject({ group: z.string().min(1) }),
  z.strictObject({ accountIds: z.array(z.string().min(1)).min(1) }),
  /** A multi-user picker field on the issue (JSM's "Approvers" field). */
  z.strictObject({ fieldId: z.string().min(1) }),
]);

/** A workflow as a seed describes it: statuses and transitions by name. */
export const workflowConfigSchema = z.strictObject({
  name: z.string().min(1),
  statuses: z.array(z.strictObject({ name: z.string().min(1), category: z.enum(['new', 'indeterminate', 'done']) })).min(1),
  initialStatus: z.string().min(1),
  transitions: z.array(
    z.strictObject({
      name: z.string().min(1),
      /** Status names the transition leaves from; `*` makes it global (from any status but its target). */
      from: z.union([z.array(z.string().min(1)).min(1), z.literal('*')]),
      to: z.string().min(1),
      /** Resolution set when the target is a done status; defaults to "Done". */
      resolution: z.string().min(1).optional(),
      /** Who may run it: agents (and the app), or also the request's reporter. */
      allowed: z.enum(['agents', 'agents-and-reporter']).default('agents'),
    }),
  ),
  /** JSM approval steps: entering `status` opens an approval; its outcome runs a transition. */
  approvals: z
    .array(
      z.strictObject({
        status: z.string().min(1),
        name: z.string().min(1).default('Approval'),
        approvers: approversSchema,
        required: z.number().int().positive().default(1),
        approveTransition: z.string().min(1),
        declineTransition: z.string().min(1),
      }),
    )
    .default([]),
});
export type WorkflowConfig = z.input<typeof workflowConfigSchema>;
export type ApproversConfig = z.infer<typeof approversSchema>;

export type WorkflowTransition = {
  id: string;
  name: string;
  fromStatusIds: string[] | 'any';
  toStatusId: string;
  resolutionName: string;
  allowed: 'agents' | 'agents-and-reporter';
};
export type ApprovalStep = {
  statusId: string;
  name: string;
  approvers: ApproversConfig;
  required: number;
  approveTransitionId: string;
  declineTransitionId: string;
};
export type Workflow = {
  name: string;
  statusIds: string[];
  initialStatusId: string;
  transitions: WorkflowTransition[];
  approvals: ApprovalStep[];
};

function ensureStatus(state: State, name: string, category: StatusCategoryKey): Status {
  const existing = state.findStatusByName(name);
  if (existing) {
    if (existing.category !== category) throw new Error(`status "${name}" already exists in category ${existing.category}`);
    return existing;
  }
  const status: Status = { id: state.nextId('status'), name, category, description: '' };
  state.statuses.set(status.id, status);
  return status;
}

/** Turns a named workflow config into ids, registering its statuses and resolutions; throws on dangling names. */
export function buildWorkflow(state: State, input: WorkflowConfig): Workflow {
  const config = workflowConfigSchema.parse(input);
  const byName = new Map(config.statuses.map((s) => [s.name, ensureStatus(state, s.name, s.category)]));
  const statusId = (name: string): string => {
    const status = byName.get(name);
    if (!status) throw new Error(`workflow "${config.name}" names unknown status "${name}"`);
    return status.id;
  };
  const transitions = config.transitions.map((t, index) => ({
    id: String((index + 1) * 10 + 1),
    name: t.name,
    fromStatusIds: t.from === '*' ? ('any' as const) : t.from.map(statusId),
    toStatusId: statusId(t.to),
    resolutionName: t.resolution ?? 'Done',
    allowed: t.allowed,
  }));
  for (const t of transitions) ensureResolution(state, t.resolutionName);
  const transitionId = (name: string): string => {
    const found = transitions.find((t) => t.name === name);
    if (!found) throw new Error(`workflow "${config.name}" names unknown transition "${name}"`);
    return found.id;
  };
  return {
    name: config.name,
    statusIds: [...byName.values()].map((s) => s.id),
    initialStatusId: statusId(config.initialStatus),
    transitions,
    approvals: config.approvals.map((a) => ({
      statusId: statusId(a.status),
      name: a.name,
      approvers: a.approvers,
      required: a.required,
      approveTransitionId: transitionId(a.approveTransition),
      declineTransitionId: transitionId(a.declineTransition),
    })),
  };
}

export function ensureResolution(state: State, name: string): string {
  const existing = [...state.resolutions.values()].find((r) => r.name === name);
  if (existing) return existing.id;
  const id = state.nextId('resolution');
  state.resolutions.set(id, { id, name, description: '' });
  return id;
}

/** Transitions leaving the given status, in workflow order. */
export function transitionsFrom(workflow: Workflow, statusId: string): WorkflowTransition[] {
  return workflow.transitions.filter((t) =>
    t.fromStatusIds === 'any' ? t.toStatusId !== statusId : t.fromStatusIds.includes(statusId),
  );
}
