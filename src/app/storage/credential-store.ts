import { kvs } from '@forge/kvs';
import { z } from 'zod';
import { credentialPrivateKeySchema, newCredentialKeyPair, openCredential, sealedCredentialSchema, type CredentialKey } from '../../protocol';

/**
 * The one-time credential of a grant, in secret storage only and under its own key prefix. Before asking the
 * connector, the app makes a key pair for the grant and keeps the private key here; the connector answers with
 * the credential sealed to the public key, which is kept beside it. The requester's reveal (takeCredential)
 * opens it and deletes both; so does the end of the grant. The password exists in the clear only while it is
 * being shown.
 */

const storedSchema = z.strictObject({
  grantId: z.string(),
  privateKey: credentialPrivateKeySchema,
  sealed: sealedCredentialSchema.optional(),
});
type Stored = z.infer<typeof storedSchema>;

export interface Credential {
  grantId: string;
  username: string;
  password: string;
}

const keyOf = (ticket: string) => `credential:${ticket}`;

async function load(ticket: string): Promise<Stored | undefined> {
  const stored = await kvs.getSecret<unknown>(keyOf(ticket));
  return stored === undefined ? undefined : storedSchema.parse(stored);
}

/** The public key the credential of `grantId` is to be sealed to: the same one for every attempt of that grant. */
export async function credentialKeyFor(ticket: string, grantId: string): Promise<CredentialKey> {
  const stored = await load(ticket);
  if (stored?.grantId === grantId) return { kty: stored.privateKey.kty, crv: stored.privateKey.crv, x: stored.privateKey.x };
  const { publicKey, privateKey } = await newCredentialKeyPair();
  await kvs.setSecret(keyOf(ticket), storedSchema.parse({ grantId, privateKey }));
  return publicKey;
}

/** Keeps the connector's sealed answer next to the key that opens it. */
export async function storeSealedCredential(ticket: string, grantId: string, sealed: string): Promise<void> {
  const stored = await load(ticket);
  if (stored?.grantId !== grantId) throw new Error(`no credential key is kept for grant ${grantId}`);
  await kvs.setSecret(keyOf(ticket), storedSchema.parse({ ...stored, sealed }));
}

/** Opens the credential once: it is deleted from secret storage as it is read. */
export async function takeCredential(ticket: string): Promise<Credential | undefined> {
  const stored = await load(ticket);
  if (stored?.sealed === undefined) return undefined;
  await kvs.deleteSecret(keyOf(ticket));
  const { username, password } = await openCredential(stored.sealed, stored.privateKey);
  return { grantId: stored.grantId, username, password };
}

export async function deleteCredential(ticket: string): Promise<void> {
  await kvs.deleteSecret(keyOf(ticket));
}
