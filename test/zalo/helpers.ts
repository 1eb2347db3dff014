// Starts the real application for Zalo tests; like startTestApp, but the pino output can
// be kept (a stream we read) to check what reaches the logs.
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { parseConfig } from '../../src/config/index.ts';
import { startApp, type App } from '../../src/main.ts';
import type { FakeZalo } from '../fakes/zalo.ts';
import { freshDatabaseUrl } from '../helpers/app.ts';

export interface CapturedLog {
  /** Everything logged so far, one JSON line per entry. */
  text(): string;
  lines(): Record<string, unknown>[];
}

export function zaloEnv(zalo: FakeZalo, extra: Record<string, string> = {}): Record<string, string> {
  return { ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: zalo.apiRoot, ...extra };
}

export async function startZaloApp(
  env: Record<string, string>,
  options: { databaseUrl?: string; capture?: boolean } = {},
): Promise<{ app: App; log: CapturedLog }> {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const config = parseConfig({
    DATABASE_URL: options.databaseUrl ?? freshDatabaseUrl(),
    PORT: '0',
    LOG_LEVEL: 'debug',
    LOCAL_CHAT: 'off',
    DEMO_SEED: 'off',
    ...env,
  });
  const level = options.capture ? 'debug' : (process.env.TEST_LOG_LEVEL ?? 'silent');
  if (!options.capture && process.env.TEST_LOG_LEVEL) stream.pipe(process.stderr);
  const app = await startApp(config, { migrate: false, log: pino({ level }, stream), localChat: false, jobPollMs: 50 });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { app, log: { text, lines } };
}

export async function pause(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
