import { installApp, type AppUnderTest } from '../../app/support/install-app';
import { quietDesignSystemWarnings } from './render-page';

/** The app on the emulators behind a page under test, with the console quiet while the design system warns. */
export async function startAppForPage(): Promise<AppUnderTest> {
  const app = await installApp();
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  quietDesignSystemWarnings();
  return app;
}

export async function stopAppForPage(app: AppUnderTest | undefined): Promise<void> {
  jest.restoreAllMocks();
  await app?.stop();
}
