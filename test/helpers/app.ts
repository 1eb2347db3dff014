// Starts the real application in-process on a fresh copy of the migrated template database.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
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

export async function openDb(url: string) {
  return connectDb(url);
}

export async function startTestApp(env: Record<string, string>, databaseUrl = freshDatabaseUrl()): Promise<App> {
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
    log: createLogger(config.LOG_LEVEL),
    localChat: env.LOCAL_CHAT === 'on' ? { input: new PassThrough(), output: new PassThrough() } : false,
    jobPollMs: 50,
  });
}

export async function waitUntil<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
