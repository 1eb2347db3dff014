// Operator routes: `GET /metrics` (Prometheus text; bearer METRICS_TOKEN when set) and
// `GET /readyz` (200 once the database answers and every committed migration is applied).
// `/healthz` stays the liveness check.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.ts';
import { databaseKind, type Db } from '../db/client.ts';
import { PROJECT_ROOT } from '../db/migrate.ts';
import { renderMetrics } from '../ops/metrics.ts';
import { secretsMatch } from './server.ts';

export interface OpsRouteDeps {
  db: Db;
  config: Config;
  /** The app's database gauges (see databaseGauges). */
  gauges: Registry;
}

export function mountOpsRoutes(app: Hono, { db, config, gauges }: OpsRouteDeps): void {
  app.get('/metrics', async (c) => {
    if (config.METRICS_TOKEN) {
      const token = /^Bearer\s+(.+)$/i.exec(c.req.header('Authorization') ?? '')?.[1];
      if (!secretsMatch(token, config.METRICS_TOKEN))
        return c.text('unauthorized\n', 401, { 'WWW-Authenticate': 'Bearer' });
    }
    const { contentType, body } = await renderMetrics(gauges);
    return c.body(body, 200, { 'Content-Type': contentType });
  });

  const committed = committedMigrations(config.DATABASE_URL);
  app.get('/readyz', async (c) => {
    try {
      const rows = await db.$queryRawUnsafe<{ migration_name: string }[]>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      );
      const applied = new Set(rows.map((row) => row.migration_name));
      const pending = committed.filter((name) => !applied.has(name));
      if (pending.length) return c.json({ status: 'not ready', migrations: 'pending', pending: pending.length }, 503);
      return c.json({ status: 'ready' });
    } catch {
      return c.json({ status: 'not ready', database: 'unreachable or not migrated' }, 503);
    }
  });
}

function committedMigrations(databaseUrl: string): string[] {
  const dir = join(
    PROJECT_ROOT,
    'prisma',
    ...(databaseKind(databaseUrl) === 'sqlite' ? [] : ['postgres']),
    'migrations',
  );
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}
