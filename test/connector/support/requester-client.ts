import { ConnectorClient, newCredentialKeyPair, openCredential, type CredentialKeyPair, type GrantCreated, type GrantRequestInput } from '../../../src/protocol';

/**
 * The requester's keys, one per grantId, shared by every client in the test process (as the app keeps them in
 * secret storage), so a retry after a connector restart repeats the very same request.
 */
const keys = new Map<string, CredentialKeyPair>();

/**
 * A client that acts as the requester's side does: for an ephemeral grant it makes a key pair, sends the public
 * key, and opens the sealed credential of the answer with the private key, so tests can log in with it.
 */
export class RequesterClient extends ConnectorClient {
  override async createGrant(request: GrantRequestInput): Promise<GrantCreated & { password?: string }> {
    if (request.mode === 'existing-login' || request.credentialKey) return super.createGrant(request);
    const pair = keys.get(request.grantId) ?? (await newCredentialKeyPair());
    keys.set(request.grantId, pair);
    const created = await super.createGrant({ ...request, credentialKey: pair.publicKey });
    if (!created.credential) return created;
    const opened = await openCredential(created.credential, pair.privateKey);
    if (opened.username !== created.username) throw new Error('the sealed credential names another login');
    return { ...created, password: opened.password };
  }
}
