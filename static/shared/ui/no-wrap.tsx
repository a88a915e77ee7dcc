import type { ReactNode } from 'react';

/** Identifiers, addresses and durations are read whole: a narrow table never breaks them mid-word. */
export function NoWrap({ children }: { children: ReactNode }) {
  return <span style={{ whiteSpace: 'nowrap' }}>{children}</span>;
}
