export const TABS = [
  { id: 'connector', label: 'Connector' },
  { id: 'targets', label: 'Targets and access levels' },
  { id: 'policies', label: 'Policies' },
  { id: 'setup', label: 'Setup' },
  { id: 'audit', label: 'Audit' },
] as const;

export type TabId = (typeof TABS)[number]['id'];
