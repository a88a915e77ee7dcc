import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `Usage: npm start -- [--port N] [--target-url URL [--gateway]] [--sweep-seconds N] [--data DIR] [--log text|json]

  --port N           where the browser UI and the JSM-compatible REST API listen (default 8080)
  --target-url URL   postgres://… or mysql://… admin URL: grant on that server instead of the embedded PostgreSQL
  --gateway          with --target-url: requesters connect through the connector's SQL gateway, which records
                     what they run (the embedded PostgreSQL's targets are always behind it)
  --sweep-seconds N  period of the app's scheduled sweep (default 10)
  --data DIR         keep the connector's ledger and the embedded PostgreSQL's data here (default: a fresh temporary directory)
  --log text|json    the app's log lines: readable (default) or one JSON object per line, as Forge collects them
  --help             this text`;

const targetUrlSchema = z
  .string()
  .regex(/^(postgres(ql)?|mysql|mariadb):\/\/.+/, '--target-url must be a postgres://… or mysql://… URL')
  .transform((url) => url.replace(/^mariadb:/, 'mysql:'));

export const sandboxOptionsSchema = z
  .strictObject({
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    targetUrl: targetUrlSchema.optional(),
    gateway: z.boolean().default(false),
    sweepSeconds: z.coerce.number().int().min(1).max(3600).default(10),
    dataDir: z.string().min(1).optional(),
    log: z.string().default('text').pipe(z.enum(['text', 'json'], { error: '--log is text or json' })),
  });

export type SandboxOptionsInput = z.input<typeof sandboxOptionsSchema>;
export type SandboxOptions = Omit<z.infer<typeof sandboxOptionsSchema>, 'dataDir'> & { dataDir: string; dataDirIsTemporary: boolean };

/** Fills defaults; without a data directory, a fresh temporary one. */
export function resolveOptions(input: SandboxOptionsInput): SandboxOptions {
  const parsed = sandboxOptionsSchema.parse(input);
  const dataDir = parsed.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'jit-sandbox-')) : resolve(parsed.dataDir);
  return { ...parsed, dataDir, dataDirIsTemporary: parsed.dataDir === undefined };
}

/** Reads the command line; `help` asks for the usage text. */
export function parseCommandLine(argv: string[]): { help: true } | { help: false; input: SandboxOptionsInput } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'target-url': { type: 'string' },
      gateway: { type: 'boolean', default: false },
      'sweep-seconds': { type: 'string' },
      data: { type: 'string' },
      log: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return { help: true };
  return {
    help: false,
    input: {
      ...(values.port !== undefined ? { port: values.port } : {}),
      ...(values['target-url'] !== undefined ? { targetUrl: values['target-url'] } : {}),
      ...(values.gateway ? { gateway: true } : {}),
      ...(values['sweep-seconds'] !== undefined ? { sweepSeconds: values['sweep-seconds'] } : {}),
      ...(values.data !== undefined ? { dataDir: values.data } : {}),
      ...(values.log !== undefined ? { log: values.log } : {}),
    },
  };
}
