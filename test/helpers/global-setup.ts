// Migrates one template database for the whole run; each test copies it (migrating per
// test would cost ~2 s each). With TEST_DATABASE_URL (a PostgreSQL server's admin URL)
// the suite runs on PostgreSQL: the template is a database and copies are
// `CREATE DATABASE ... TEMPLATE`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { PG_TEMPLATE, postgresUrl, psql } from './postgres.ts';

export default async function setup(project: TestProject) {
  const admin = process.env.TEST_DATABASE_URL;
  if (admin) {
    dropTestDatabases(admin);
    psql(admin, `DROP DATABASE IF EXISTS ${PG_TEMPLATE}`);
    psql(admin, `CREATE DATABASE ${PG_TEMPLATE}`);
    await migrateDatabase(postgresUrl(admin, PG_TEMPLATE));
    // CREATE DATABASE ... TEMPLATE fails while anyone is connected to the template, and a
    // closed pool may linger for a moment: make sure no session is left.
    psql(admin, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${PG_TEMPLATE}'`);
    project.provide('templateDb', postgresUrl(admin, PG_TEMPLATE));
    return () => dropTestDatabases(admin);
  }
  const dir = mkdtempSync(join(tmpdir(), 'kiennghi-template-'));
  const file = join(dir, 'template.db');
  await migrateDatabase(pathToFileURL(file).href);
  project.provide('templateDb', file);
  return () => rmSync(dir, { recursive: true, force: true });
}

function dropTestDatabases(admin: string): void {
  const names = psql(admin, "SELECT datname FROM pg_database WHERE datname LIKE 'kn_test_%'")
    .split('\n')
    .filter(Boolean);
  for (const name of names) psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}
