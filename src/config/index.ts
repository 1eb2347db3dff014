// Settings are parsed once, here, from the environment (and `.env` when present).
// Every setting is documented in .env.example; keep the two in step.
import { existsSync } from 'node:fs';
import { z } from 'zod';

const SECRET_TOKEN = /^[A-Za-z0-9_-]+$/;

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const idList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(/[,\s]+/)
      .map((item) => item.trim())
      .filter(Boolean),
  );

const schema = z.object({
  DATABASE_URL: z
    .string()
    .default('file:./data/kiennghi.db')
    .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), 'phải bắt đầu bằng file: hoặc postgresql://'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  TELEGRAM_BOT_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, 'dạng <số>:<chuỗi> do @BotFather cấp')
      .optional(),
  ),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
    z.string().max(256).regex(SECRET_TOKEN, 'chỉ gồm A-Z a-z 0-9 _ -').optional(),
  ),
  ZALO_BOT_TOKEN: optionalString,
  ZALO_API_ROOT: z.url().default('https://bot-api.zaloplatforms.com'),
  ZALO_WEBHOOK_SECRET: optionalString.pipe(z.string().min(8).max(256).optional()),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.url().optional()),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  ADMIN_TELEGRAM_IDS: idList,
  ADMIN_ZALO_IDS: idList,
  TZ: z.string().default('Asia/Ho_Chi_Minh').refine(isTimeZone, 'không phải múi giờ IANA (ví dụ Asia/Ho_Chi_Minh)'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TAXONOMY: z.enum(['current', 'legacy']).default('current'),
  CLASSIFY_BATCH_SIZE: z.coerce.number().int().min(1).max(50).default(10),
  REVIEW_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6),
  FLOOD_MAX_MESSAGES: z.coerce.number().int().min(1).default(20),
  FLOOD_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  LOCAL_CHAT: z.enum(['auto', 'on', 'off']).default('auto'),
  DEMO_SEED: z.enum(['auto', 'on', 'off']).default('auto'),
  // A workspace session ends after this many hours without a request.
  WEB_SESSION_HOURS: z.coerce.number().positive().max(720).default(8),
  // The coming session's first and last day (YYYY-MM-DD): compiled petitions are due 15 days before and after.
  SESSION_OPENS: optionalString.pipe(z.iso.date('ngày dạng YYYY-MM-DD, ví dụ 2026-05-20').optional()),
  SESSION_CLOSES: optionalString.pipe(z.iso.date('ngày dạng YYYY-MM-DD, ví dụ 2026-06-30').optional()),
  // Upper bound of one model call (request and retries); a hanging server never holds a feature longer.
  OPENAI_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  // The wards and communes the office serves, separated by ";" (besides those of its meetings).
  WARDS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(';')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  BACKUP_DIR: optionalString,
  BACKUP_SCHEDULE: z.string().trim().min(1).default('0 2 * * *'),
  BACKUP_KEEP: z.coerce.number().int().min(1).default(14),
  RETENTION_PERSONAL_DAYS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).optional()),
  RETENTION_CONVERSATION_DAYS: z.coerce.number().int().min(1).default(30),
  METRICS_TOKEN: optionalString,
  // The office, as its documents and the bot's first message name it.
  OFFICE_NAME: z.string().trim().min(1).default('Văn phòng Đoàn ĐBQH và HĐND'),
  OFFICE_PARENT: optionalString,
  OFFICE_PLACE: optionalString,
  // The signature block of the office's documents (blank lines to fill in by hand when unset).
  REPORT_SIGNER_TITLE: optionalString,
  REPORT_SIGNER_NAME: optionalString,
  // How voters find the Zalo bot (its link or name), printed on meeting posters.
  ZALO_BOT_LINK: optionalString,
  // Days an agency has to answer a forwarded petition, and days before a meeting that its
  // deputies get the results report of the constituency.
  ANSWER_DUE_DAYS: z.coerce.number().int().min(1).default(30),
  RESULTS_REPORT_DAYS_BEFORE: z.coerce.number().int().min(0).default(3),
  // Model calls: temperature (empty = not sent), context window, shared concurrency.
  OPENAI_TEMPERATURE: optionalString.pipe(z.coerce.number<string | undefined>().min(0).max(2).optional()),
  OPENAI_CONTEXT_TOKENS: z.coerce.number().int().min(1024).default(8192),
  OPENAI_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // Speech-to-text and vision (each on when its model is set; base URLs default to OPENAI_BASE_URL).
  OPENAI_STT_MODEL: optionalString,
  OPENAI_STT_BASE_URL: optionalString.pipe(z.url().optional()),
  OPENAI_VISION_MODEL: optionalString,
  OPENAI_VISION_BASE_URL: optionalString.pipe(z.url().optional()),
});

/** How a channel runs, with what that mode needs (a webhook needs the public URL and its secret). */
export type ChannelMode =
  | { mode: 'off' }
  | { mode: 'polling'; token: string }
  | { mode: 'webhook'; token: string; publicUrl: string; secret: string };

export type Config = z.infer<typeof schema> & {
  telegram: ChannelMode;
  zalo: ChannelMode;
  llmEnabled: boolean;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('vi-VN', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Parses settings; throws a ConfigError whose message is one line naming the setting. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? 'cấu hình');
    throw new ConfigError(`Cấu hình không hợp lệ: ${name}: ${issue.message}`);
  }
  const values = result.data;
  return {
    ...values,
    telegram: channelMode('TELEGRAM', values.TELEGRAM_BOT_TOKEN, values.PUBLIC_URL, values.TELEGRAM_WEBHOOK_SECRET),
    zalo: channelMode('ZALO', values.ZALO_BOT_TOKEN, values.PUBLIC_URL, values.ZALO_WEBHOOK_SECRET),
    llmEnabled: Boolean(values.OPENAI_API_KEY),
  };
}

/** Off without a token; with PUBLIC_URL a webhook, which then needs its secret; else polling. */
function channelMode(prefix: string, token?: string, publicUrl?: string, secret?: string): ChannelMode {
  if (!token) return { mode: 'off' };
  if (!publicUrl) return { mode: 'polling', token };
  if (!secret) {
    throw new ConfigError(
      `Cấu hình không hợp lệ: ${prefix}_WEBHOOK_SECRET: bắt buộc khi đặt PUBLIC_URL (chế độ webhook)`,
    );
  }
  return { mode: 'webhook', token, publicUrl: publicUrl.replace(/\/+$/, ''), secret };
}

/** Reads `.env` (without overriding the real environment), then parses. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (env === process.env && existsSync('.env')) process.loadEnvFile('.env');
  const config = parseConfig(env);
  // Dates without an explicit zone (logs, Date#toString) follow the office's zone too.
  if (env === process.env) process.env.TZ = config.TZ;
  return config;
}
