// A PostgreSQL server for the benchmark: the one named by BENCH_DATABASE_URL (an admin URL),
// or a throw-away server started with .ci/postgres.sh on its own port and stopped at the end.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { postgresUrl, psql } from '../../test/helpers/postgres.ts';

export interface PostgresServer {
  adminUrl: string;
  /** Whether the bench started it (and so stops it). */
  owned: boolean;
  version: string;
  createDatabase(prefix: string): string;
  dropDatabase(url: string): void;
  stop(): void;
}

const DEFAULT_PORT = 55440;

function runCiScript(fn: 'start_postgres' | 'stop_postgres', port: string, data: string): void {
  execFileSync('bash', ['-c', `source .ci/postgres.sh; ${fn}`], {
    env: { ...process.env, PG_PORT: port, PG_DATA: data },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export function startPostgres(): PostgresServer {
  const given = process.env.BENCH_DATABASE_URL;
  const port = process.env.BENCH_PG_PORT ?? String(DEFAULT_PORT);
  const data = `/tmp/kiennghi-bench-pg-${port}`;
  const adminUrl = given ?? `postgresql://postgres@127.0.0.1:${port}/postgres`;
  if (!given) {
    runCiScript('start_postgres', port, data);
    // .ci/postgres.sh turns fsync off (fast CI); production commits are durable, so the
    // benchmark turns it back on: an acknowledged petition costs a flush, as on SQLite.
    psql(adminUrl, 'ALTER SYSTEM SET fsync = on');
    psql(adminUrl, 'SELECT pg_reload_conf()');
  }
  const created = new Set<string>();
  return {
    adminUrl,
    owned: !given,
    version: psql(adminUrl, 'SHOW server_version').trim(),
    createDatabase(prefix) {
      const name = `${prefix}_${randomBytes(4).toString('hex')}`;
      psql(adminUrl, `CREATE DATABASE ${name}`);
      created.add(name);
      return postgresUrl(adminUrl, name);
    },
    dropDatabase(url) {
      const name = new URL(url).pathname.slice(1);
      psql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      created.delete(name);
    },
    stop() {
      if (!given) {
        runCiScript('stop_postgres', port, data);
        // A million petitions leave about a gigabyte behind.
        rmSync(data, { recursive: true, force: true });
        return;
      }
      for (const name of created) psql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export { psql };
