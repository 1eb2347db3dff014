import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  // Logs go to standard error so that command output (JSON lines, tables) stays clean.
  return pino({
    level,
    base: undefined,
    // Tokens live in URLs and headers; never let one reach a log line.
    redact: ['token', '*.token', 'headers.authorization', 'config.headers', 'config.url'],
  }, pino.destination(2));
}
