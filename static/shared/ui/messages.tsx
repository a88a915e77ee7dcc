import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import { Inline, Text } from '@atlaskit/primitives';
import { ResolverError } from '../resolver-client';

/** A failed call in words: the resolver's message, and what to do when the app lacks the resolver. */
export function ErrorBanner({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : 'Something went wrong.';
  const unavailable = error instanceof ResolverError && error.code === 'unavailable';
  return (
    <div role="alert">
      <SectionMessage appearance={unavailable ? 'warning' : 'error'} title={title ?? (unavailable ? 'Not available in this version of the app' : 'That did not work')}>
        <p>{message}</p>
      </SectionMessage>
    </div>
  );
}

export function SuccessBanner({ children }: { children: React.ReactNode }) {
  return (
    <div role="status">
      <SectionMessage appearance="success">{children}</SectionMessage>
    </div>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <Inline space="space.100" alignBlock="center">
      <Spinner size="small" label={label} />
      <Text>{label}</Text>
    </Inline>
  );
}
