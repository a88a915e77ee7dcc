import { kvs } from '@forge/kvs';
import { z } from 'zod';

/**
 * The one-time password of a grant, in secret storage only and under its own key prefix. It is read once
 * by the requester (revealCredential) and deleted then, or when the grant ends.
 */

const credentialSchema = z.strictObject({ grantId: z.string(), password: z.string().min(1) });
export type Credential = z.infer<typeof credentialSchema>;

const keyOf = (ticket: string) => `credential:${ticket}`;

export async function storeCredential(ticket: string, credential: Credential): Promise<void> {
  await kvs.setSecret(keyOf(ticket), credentialSchema.parse(credential));
}

export async function takeCredential(ticket: string): Promise<Credential | undefined> {
  const stored = await kvs.getSecret<unknown>(keyOf(ticket));
  if (stored === undefined) return undefined;
  await kvs.deleteSecret(keyOf(ticket));
  return credentialSchema.parse(stored);
}

export async function deleteCredential(ticket: string): Promise<void> {
  await kvs.deleteSecret(keyOf(ticket));
}
