import { decodeProtectedHeader } from 'jose';
import { grantCreatedSchema, newCredentialKeyPair, openCredential, sealCredential } from '../../src/protocol';

describe('sealed credentials (v2)', () => {
  const plaintext = { username: 'jit_sd_123_1', password: 'correct horse battery staple' };

  it('seal to the public key as a compact JWE (ECDH-ES, A256GCM) that only the private key opens', async () => {
    const requester = await newCredentialKeyPair();
    const sealed = await sealCredential(requester.publicKey, plaintext);
    expect(decodeProtectedHeader(sealed)).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM' });
    expect(sealed).not.toContain(plaintext.password);
    expect(grantCreatedSchema.shape.credential.parse(sealed)).toBe(sealed);
    expect(await openCredential(sealed, requester.privateKey)).toEqual(plaintext);

    const stranger = await newCredentialKeyPair();
    await expect(openCredential(sealed, stranger.privateKey)).rejects.toThrow();
  });

  it('refuses a tampered JWE', async () => {
    const requester = await newCredentialKeyPair();
    const [header, key, iv, ciphertext, tag] = (await sealCredential(requester.publicKey, plaintext)).split('.');
    const flipped = (ciphertext![0] === 'A' ? 'B' : 'A') + ciphertext!.slice(1);
    await expect(openCredential([header, key, iv, flipped, tag].join('.'), requester.privateKey)).rejects.toThrow();
  });

  it('seals afresh each time (a new ephemeral key), so two seals of one secret differ', async () => {
    const requester = await newCredentialKeyPair();
    expect(await sealCredential(requester.publicKey, plaintext)).not.toBe(await sealCredential(requester.publicKey, plaintext));
  });
});
