import { CompactEncrypt, compactDecrypt, exportJWK, generateKeyPair, importJWK } from 'jose';
import { z } from 'zod';
import { credentialKeySchema, credentialPlaintextSchema, type CredentialKey, type CredentialPlaintext } from './schemas';

/**
 * Credentials travel sealed (protocol v2): the connector encrypts `{username, password}` to the caller's
 * per-grant X25519 public key as a compact JWE (ECDH-ES, A256GCM); only the holder of the private key opens it.
 */

const ALG = 'ECDH-ES';
const ENC = 'A256GCM';

export const credentialPrivateKeySchema = credentialKeySchema.extend({
  d: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'd must be the 32-byte private key in base64url'),
});
export type CredentialPrivateKey = z.infer<typeof credentialPrivateKeySchema>;

export interface CredentialKeyPair {
  publicKey: CredentialKey;
  privateKey: CredentialPrivateKey;
}

export async function newCredentialKeyPair(): Promise<CredentialKeyPair> {
  const { privateKey } = await generateKeyPair(ALG, { crv: 'X25519', extractable: true });
  const jwk = credentialPrivateKeySchema.parse(await exportJWK(privateKey));
  return { publicKey: credentialKeySchema.parse({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }), privateKey: jwk };
}

export async function sealCredential(recipient: CredentialKey, plaintext: CredentialPlaintext): Promise<string> {
  const key = await importJWK({ ...credentialKeySchema.parse(recipient), alg: ALG }, ALG);
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(credentialPlaintextSchema.parse(plaintext))))
    .setProtectedHeader({ alg: ALG, enc: ENC })
    .encrypt(key);
}

/** Opens a sealed credential; anything but ECDH-ES/A256GCM to this key, or a plaintext of another shape, throws. */
export async function openCredential(jwe: string, privateKey: CredentialPrivateKey): Promise<CredentialPlaintext> {
  const key = await importJWK({ ...credentialPrivateKeySchema.parse(privateKey), alg: ALG }, ALG);
  const { plaintext } = await compactDecrypt(jwe, key, { keyManagementAlgorithms: [ALG], contentEncryptionAlgorithms: [ENC] });
  return credentialPlaintextSchema.parse(JSON.parse(new TextDecoder().decode(plaintext)));
}
