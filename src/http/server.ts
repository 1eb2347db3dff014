// The HTTP surface: health check and the platforms' webhooks. A webhook is acknowledged
// only after the update is committed, so a failure answers 5xx and the platform retries.
import { createHash, timingSafeEqual } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';

export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export interface WebhookRoute {
  path: string;
  secretHeader: string;
  secret: string;
  /**
   * Validates and handles one delivery; throws BadUpdate for a body that is not an update.
   * What it returns is the HTTP answer's body (a platform's webhook reply).
   */
  handle(body: unknown): Promise<object | void>;
}

export class BadUpdate extends Error {}

export function secretsMatch(given: string | undefined, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

export function createHttpApp(db: Db, log: Logger, webhooks: WebhookRoute[], extra?: (app: Hono) => void): Hono {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    try {
      await db.$queryRawUnsafe('SELECT 1');
      return c.json({ status: 'ok' });
    } catch {
      return c.json({ status: 'error', database: 'unreachable' }, 503);
    }
  });
  for (const route of webhooks) {
    app.post(
      route.path,
      // The rest of an oversized body is never read: close the connection after answering.
      bodyLimit({
        maxSize: WEBHOOK_BODY_LIMIT,
        onError: (c) => c.json({ ok: false, error: 'body too large' }, 413, { Connection: 'close' }),
      }),
      (c) => handleWebhook(c, route, log),
    );
  }
  extra?.(app);
  return app;
}

async function handleWebhook(c: Context, route: WebhookRoute, log: Logger): Promise<Response> {
  if (!secretsMatch(c.req.header(route.secretHeader), route.secret)) {
    log.warn({ path: route.path }, 'webhook call with a wrong or missing secret');
    return c.json({ ok: false, error: 'unauthorized' }, 401);
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return c.json({ ok: false, error: 'invalid JSON' }, 400);
  }
  try {
    return c.json((await route.handle(body)) ?? { ok: true });
  } catch (error) {
    if (error instanceof BadUpdate) {
      log.warn({ path: route.path, reason: error.message }, 'malformed update ignored');
      return c.json({ ok: false, error: error.message }, 400);
    }
    log.error({ err: error, path: route.path }, 'webhook update failed; the platform will retry');
    return c.json({ ok: false, error: 'temporarily unavailable' }, 503);
  }
}

export function listen(app: Hono, port: number): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: '0.0.0.0' }, () => resolve(server));
  });
}
