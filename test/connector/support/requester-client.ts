import { ConnectorClient, newCredentialKeyPair, openCredential, type CredentialKeyPair, type GrantCreated, type GrantRequestInput } from '../../../src/protocol';

/**
 * A client that acts as the requester's side does: for an ephemeral grant it makes a key pair (one per grantId,
 * kept for repeats of the same request), sends the public key, and opens the sealed credential of the answer
 * with the private key, so tests can log in with it.
 */
export class RequesterClient extends ConnectorClient {
  private readonly keys = new Map<string, CredentialKeyPair>();

  override async createGrant(request: GrantRequestInput): Promise<GrantCreated & { password?: string }> {
    if (request.mode === 'existing-login' || request.credentialKey) return super.createGrant(request);
    const keys = this.keys.get(request.grantId) ?? (await newCredentialKeyPair());
    this.keys.set(request.grantId, keys);
    const created = await super.createGrant({ ...request, credentialKey: keys.publicKey });
    if (!created.credential) return created;
    const opened = await openCredential(created.credential, keys.privateKey);
    if (opened.username !== created.username) throw new Error('the sealed credential names another login');
    return { ...created, password: opened.password };
  }
}
