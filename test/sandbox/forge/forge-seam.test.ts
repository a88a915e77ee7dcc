import { join } from 'node:path';
import {
  type ForgeRuntime,
  VERIFIED_FORGE_VERSIONS,
  assertVerifiedForgeVersions,
  createForgeRuntime,
  installedForgeVersion,
} from '../../../src/sandbox/forge';
import { createFakeProduct } from './fake-product';

const appRoot = join(__dirname, '../forge-test-app');

describe('the @forge runtime seam', () => {
  it.each(Object.entries(VERIFIED_FORGE_VERSIONS))('pins %s to the verified version %s', (name, verified) => {
    // If this fails after an upgrade: re-read the package's out/ code for how it calls __forge_fetch__ and
    // __forge_runtime__, update src/sandbox/forge and these tests, then VERIFIED_FORGE_VERSIONS.
    expect(installedForgeVersion(name)).toBe(verified);
  });

  it('accepts the installed @forge versions as a whole', () => {
    expect(() => assertVerifiedForgeVersions()).not.toThrow();
  });

  describe('inside an invocation', () => {
    let runtime: ForgeRuntime;
    beforeEach(() => {
      runtime = createForgeRuntime({
        manifestPath: join(appRoot, 'manifest.yml'),
        appSourceRoot: join(appRoot, 'src'),
        product: createFakeProduct().product,
      });
    });
    afterEach(() => runtime.stop());

    const seam = (descriptor: unknown, path: string, body: unknown) =>
      runtime.invokeResolver({
        moduleKey: 'panel',
        functionKey: 'seam',
        accountId: 'u',
        payload: { descriptor, path, body: JSON.stringify(body) },
      });
    const lastError = () => runtime.inspect.invocations().at(-1)?.error;

    it('answers a known KVS path', async () => {
      await expect(seam({ type: 'kvs' }, '/api/v1/get', { key: 'absent' })).resolves.toEqual({ status: 404 });
    });

    it('fails loudly on a KVS path it does not know', async () => {
      await expect(seam({ type: 'kvs' }, '/api/v2/get', { key: 'a' })).rejects.toMatchObject({ code: 'FUNCTION_ERR' });
      expect(lastError()).toEqual({ name: 'ForgeEmulatorError', message: "The Forge emulator's KVS has no endpoint /api/v2/get" });
    });

    it('fails loudly on a KVS request body with a field it does not know', async () => {
      await expect(seam({ type: 'kvs' }, '/api/v1/get', { key: 'a', consistency: 'strong' })).rejects.toMatchObject({
        code: 'FUNCTION_ERR',
      });
      expect(lastError()?.message).toMatch(/^Unexpected KVS request body: /);
    });

    it('fails loudly on a proxy call type it does not know', async () => {
      await expect(seam({ type: 'tpp', provider: 'github', remote: 'x' }, '/user', {})).rejects.toMatchObject({ code: 'FUNCTION_ERR' });
      expect(lastError()?.message).toMatch(/^Unsupported __forge_fetch__ call \{"type":"tpp"/);
    });

    it('fails loudly on a gateway path it does not know', async () => {
      await expect(seam({ type: 'fpp', provider: 'app', remote: 'stargate' }, '/forge/events/v1/app-events', {})).rejects.toMatchObject({
        code: 'FUNCTION_ERR',
      });
      expect(lastError()?.message).toBe('The Forge emulator does not serve /forge/events/v1/app-events on the API gateway');
    });

    it('refuses a KVS call carrying another proxy token', async () => {
      await expect(
        runtime.invokeResolver({
          moduleKey: 'panel',
          functionKey: 'seam',
          accountId: 'u',
          payload: { descriptor: { type: 'kvs' }, path: '/api/v1/get', body: '{"key":"a"}', headers: { Authorization: 'Bearer forged' } },
        }),
      ).resolves.toEqual({ status: 401 });
    });
  });

  it('has no __forge_runtime__ outside an invocation and refuses __forge_fetch__ there', async () => {
    createForgeRuntime({
      manifestPath: join(appRoot, 'manifest.yml'),
      appSourceRoot: join(appRoot, 'src'),
      product: createFakeProduct().product,
    });
    expect(Reflect.get(globalThis, '__forge_runtime__')).toBeUndefined();
    const forgeFetch: unknown = Reflect.get(globalThis, '__forge_fetch__');
    expect(typeof forgeFetch).toBe('function');
    if (typeof forgeFetch !== 'function') return;
    await expect(Reflect.apply(forgeFetch, undefined, [{ type: 'kvs' }, '/api/v1/get', {}])).rejects.toMatchObject({
      name: 'ForgeEmulatorError',
      code: 'OUTSIDE_INVOCATION',
    });
  });
});
