import { createElement, type ComponentType, type ReactNode } from 'react';

/**
 * createElement for components whose props require `children` (Atlassian's Heading, Button, SectionMessage):
 * children passed as arguments, as JSX would. TypeScript cannot relate `Omit<P, 'children'>` plus children
 * back to a generic `P`, hence the one assertion.
 */
export function el<P extends { children?: ReactNode }>(type: ComponentType<P>, props: Omit<P, 'children'>, ...children: ReactNode[]) {
  return createElement(type, { ...props, children: children.length === 1 ? children[0] : children } as unknown as P);
}
