import pino from 'pino';

/**
 * Structured JSON logs, one line per event. Anything that could carry a credential is redacted here, once,
 * so no call site has to remember.
 */
export type Logger = pino.Logger;

const REDACT = ['password', '*.password', 'secret', '*.secret', 'secrets', '*.secrets', 'url', '*.url', 'headers', '*.headers'];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.JIT_LOG_LEVEL ?? 'info',
      base: { service: 'jit-connector' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
