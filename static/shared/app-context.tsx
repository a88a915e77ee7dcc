import { createContext, useContext, type ReactNode } from 'react';
import type { Bridge } from './bridge';
import type { ResolverClient } from './resolver-client';

export interface PageServices {
  bridge: Bridge;
  client: ResolverClient;
}

const ServicesContext = createContext<PageServices | undefined>(undefined);

export function ServicesProvider({ services, children }: { services: PageServices; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): PageServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesProvider');
  return services;
}
