// Starts the real application in-process on a fresh copy of the migrated template database.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import { inject } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { connectDb } from '../../src/db/client.ts';
import { createLogger } from '../../src/log.ts';
import { startApp, type App } from '../../src/main.ts';
import { freshPostgresDatabase } from './postgres.ts';

/** A fresh, migrated database (SQLite file, or PostgreSQL database under TEST_DATABASE_URL); returns its URL. */
export function freshDatabaseUrl(): string {
  const template = inject('templateDb');
  if (template.startsWith('postgres')) return freshPostgresDatabase(template);
  const file = join(mkdtempSync(join(tmpdir(), 'kiennghi-test-')), 'test.db');
  copyFileSync(template, file);
  return pathToFileURL(file).href;
}

/** A client on a test database. */
export async function openDb(url: string) {
  return connectDb(url);
}

/** What an app logged, kept in memory and unredacted, so that a leak would show. */
export interface CapturedLog {
  /** Everything logged so far, one JSON line per entry. */
  text(): string;
  lines(): Record<string, unknown>[];
}

/** A debug-level logger whose output is kept for the test to read. */
export function capturingLogger(): { logger: Logger; log: CapturedLog } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger: pino({ level: 'debug' }, stream), log: { text, lines } };
}

/** The real app on a fresh database (or `databaseUrl`), settings `env` over quiet test defaults. */
export async function startTestApp(
  env: Record<string, string>,
  databaseUrl = freshDatabaseUrl(),
  log?: Logger,
): Promise<App> {
  const config = parseConfig({
    DATABASE_URL: databaseUrl,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOCAL_CHAT: 'off',
    DEMO_SEED: 'off',
    ...env,
  });
  return startApp(config, {
    migrate: false,
    log: log ?? createLogger(config.LOG_LEVEL),
    localChat: env.LOCAL_CHAT === 'on' ? { input: new PassThrough(), output: new PassThrough() } : false,
    jobPollMs: 50,
  });
}

/** Polls `probe` until it answers something truthy; throws after `timeoutMs`. */
export async function waitUntil<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
