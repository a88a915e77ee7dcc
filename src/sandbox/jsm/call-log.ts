import type { JsmIdentity } from './types';

export type CallRecord = { method: string; path: string; identity: JsmIdentity; status: number };
export type CallFilter = { method?: string; path?: string | RegExp; identity?: JsmIdentity['kind'] };

/** Every REST call served, for tests that keep the app within its call budget. */
export class CallLog {
  readonly log: CallRecord[] = [];

  record(call: CallRecord): void {
    this.log.push(call);
  }

  count(filter: CallFilter = {}): number {
    return this.log.filter((call) => matches(call, filter)).length;
  }

  reset(): void {
    this.log.splice(0);
  }
}

function matches(call: CallRecord, filter: CallFilter): boolean {
  if (filter.method && call.method !== filter.method.toUpperCase()) return false;
  if (filter.identity && call.identity.kind !== filter.identity) return false;
  if (typeof filter.path === 'string' && call.path !== filter.path) return false;
  if (filter.path instanceof RegExp && !filter.path.test(call.path)) return false;
  return true;
}
