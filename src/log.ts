// Logs go to standard error as JSON lines and carry identifiers only (channel, update id,
// tracking code, error id): never a token, a secret, a petition's text or a voter's details.
// Every log call's fields pass through `sanitize` (errors reduced to class, message, stack and
// our identifiers; content fields dropped; token-looking text and URLs' paths scrubbed).
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /** Exact values (tokens, keys, webhook secrets) replaced wherever they would appear. */
  secrets?: (string | undefined)[];
  /** Where the JSON lines go (standard error by default). */
  destination?: DestinationStream;
  /** A file the JSON lines are appended to instead (its folder is created), when no destination is given. */
  file?: string;
}

/** Fields that hold content or whole platform objects: dropped from every log line. */
const CONTENT_KEYS = new Set([
  'ctx',
  'update',
  'payload',
  'body',
  'headers',
  'config',
  'request',
  'response',
  'meta',
  'text',
  'caption',
  'answer',
  'phone',
  'name',
  'ward',
  'token',
  'secret',
  'apiKey',
  'authorization',
  'args',
  'data',
]);
/** Error properties worth keeping: codes and our own identifiers, when they are plain values. */
const ERROR_FIELDS = [
  'code',
  'errorId',
  'channel',
  'updateId',
  'trackingCode',
  'method',
  'error_code',
  'kind',
  'status',
];
const MAX_DEPTH = 4;
const MAX_MESSAGE = 500;
const MAX_FRAMES = 15;

const SCRUBS: [RegExp, string][] = [
  // Bot API URLs carry the token in their path: /bot<token>/method.
  [/\/bot[^/\s"']+/g, '/bot<token>'],
  // Telegram and Zalo bot tokens: <digits>:<secret>.
  [/\b\d{5,}:[\w-]{10,}/g, '<token>'],
  [/\bsk-[\w-]{8,}/g, '<key>'],
  [/\bBearer\s+\S+/gi, 'Bearer <token>'],
  // A URL's path and query can hold tokens or content; its host is enough to say where.
  [/\b(https?:\/\/[^/\s?#"']+)[^\s"']*/g, '$1/…'],
];
/** Phone and ID numbers in an error's message (9 digits or more, maybe spaced or dotted). */
const LONG_NUMBER = /(?<![\d\w])\+?\d(?:[ .]?\d){8,}(?![\d\w])/g;

/** Removes token-looking substrings, URLs' paths and the configured secrets from a text. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('<secret>');
  for (const [pattern, replacement] of SCRUBS) out = out.replace(pattern, replacement);
  return out;
}

/** What a log line may say about an error: class name, a scrubbed message, stack frames, codes and our identifiers. */
export function serializeError(error: unknown, secrets: readonly string[] = [], depth = 0): Record<string, unknown> {
  if (!(error instanceof Error))
    return { type: typeof error, message: scrub(String(error).slice(0, MAX_MESSAGE), secrets) };
  const out: Record<string, unknown> = {
    type: error.constructor?.name && error.constructor.name !== 'Error' ? error.constructor.name : error.name,
    message: scrub(errorMessage(error), secrets).replace(LONG_NUMBER, '<number>'),
    stack: scrub(frames(error.stack), secrets),
  };
  const fields = error as unknown as Record<string, unknown>;
  for (const field of ERROR_FIELDS) {
    const value = fields[field];
    if (typeof value === 'string' || typeof value === 'number')
      out[field] = typeof value === 'string' ? scrub(value, secrets) : value;
  }
  const status = (fields.response as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number') out.status = status;
  // grammY's BotError keeps the failure in `error`; other libraries use `cause`.
  const cause = fields.cause ?? (fields.error instanceof Error ? fields.error : undefined);
  if (cause !== undefined && depth < MAX_DEPTH) {
    out.cause = cause instanceof Error ? serializeError(cause, secrets, depth + 1) : causeSummary(cause);
  }
  return out;
}

/** Our own short description where a library's message may quote input (zod, Prisma's query preview). */
function errorMessage(error: Error): string {
  if (error.name === 'ZodError' && Array.isArray((error as { issues?: unknown }).issues)) {
    const issues = (error as unknown as { issues: { path: (string | number)[]; code: string }[] }).issues;
    return `invalid data: ${issues.map((issue) => `${issue.path.join('.') || '(root)'} ${issue.code}`).join(', ')}`.slice(
      0,
      MAX_MESSAGE,
    );
  }
  if (error.name.startsWith('PrismaClient')) {
    const lines = error.message
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    return (lines.at(-1) ?? '').slice(0, MAX_MESSAGE);
  }
  return error.message.slice(0, MAX_MESSAGE);
}

/** The stack's frames only: its first line repeats the message. */
function frames(stack: string | undefined): string {
  return (stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES)
    .join('\n');
}

/** A driver adapter's cause is a plain object: only its kind and code say something safe. */
function causeSummary(cause: unknown): Record<string, unknown> | undefined {
  if (typeof cause !== 'object' || cause === null) return undefined;
  const { kind, code, originalCode } = cause as Record<string, unknown>;
  const summary = Object.fromEntries(
    Object.entries({ kind, code, originalCode }).filter(
      ([, value]) => typeof value === 'string' || typeof value === 'number',
    ),
  );
  return Object.keys(summary).length ? summary : undefined;
}

/** A log call's fields, safe to write: errors serialized, content dropped, strings scrubbed. */
export function sanitize(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (value instanceof Error) return serializeError(value, secrets);
  if (typeof value === 'string') return scrub(value, secrets);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value;
  if (depth >= MAX_DEPTH) return '[object]';
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => sanitize(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (CONTENT_KEYS.has(key) || (key === 'message' && typeof item === 'object')) continue;
    out[key] = sanitize(item, secrets, depth + 1);
  }
  return out;
}

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter(
    (secret): secret is string => typeof secret === 'string' && secret.length >= 6,
  );
  const safeError = (error: unknown) => (error instanceof Error ? serializeError(error, secrets) : error);
  return pino(
    {
      level,
      base: undefined,
      serializers: { err: safeError, error: safeError },
      hooks: {
        logMethod(args, method) {
          // An error given first is logged under `err`, as pino does, but serialized our way.
          const fields = args[0] instanceof Error ? { err: args[0] } : args[0];
          const safe = [fields, ...args.slice(1)].map((arg) => sanitize(arg, secrets));
          return method.apply(this, safe as Parameters<typeof method>);
        },
      },
    },
    // Logs go to standard error so that command output (JSON lines, tables) stays clean.
    options.destination ?? pino.destination(options.file ? { dest: options.file, mkdir: true } : 2),
  );
}
