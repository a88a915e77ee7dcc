// Loads the Forge emulator first (platform globals before @forge/api), through start-sandbox.
import { ZodError, z } from 'zod';
import { banner } from './banner';
import { printReadableLogs } from './log-lines';
import { USAGE, parseCommandLine, sandboxOptionsSchema } from './options';
import { startSandbox } from './start-sandbox';

async function main(): Promise<number> {
  const command = parseCommandLine(process.argv.slice(2));
  if (command.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (sandboxOptionsSchema.parse(command.input).log === 'text') printReadableLogs();
  const sandbox = await startSandbox(command.input);
  process.stdout.write(banner(sandbox));
  await new Promise<void>((resolve) => {
    const shutdown = () => void sandbox.stop().then(resolve);
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ZodError) process.stderr.write(`${z.prettifyError(error)}\n\n${USAGE}\n`);
    else process.stderr.write(`The sandbox failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof ZodError ? 2 : 1);
  },
);
