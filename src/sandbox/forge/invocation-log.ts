export type ModuleKind = 'trigger' | 'scheduledTrigger' | 'webtrigger' | 'consumer' | 'resolver';

export type InvocationRecord = {
  invocationId: string;
  kind: ModuleKind;
  moduleKey: string;
  functionKey: string;
  /** What was invoked, without payloads: the event type, queue, resolver function, or method and path. */
  detail: string;
  principalAccountId: string | undefined;
  startedAt: string;
  durationMs: number;
  outcome: 'ok' | 'error' | 'timeout';
  error?: { name: string; message: string };
};

/** Every invocation the runtime made, oldest first, bounded so a long sandbox session does not grow forever. */
export class InvocationLog {
  private readonly records: InvocationRecord[] = [];

  constructor(private readonly capacity = 10_000) {}

  add(record: InvocationRecord): void {
    this.records.push(record);
    if (this.records.length > this.capacity) this.records.shift();
  }

  entries(): readonly InvocationRecord[] {
    return [...this.records];
  }

  clear(): void {
    this.records.length = 0;
  }
}
