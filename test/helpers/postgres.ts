// PostgreSQL test databases, created synchronously with psql so that helpers stay simple.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const PG_TEMPLATE = 'kn_template';

export function postgresUrl(admin: string, database: string): string {
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return url.href;
}

export function psql(url: string, sql: string): string {
  return execFileSync('psql', [url, '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
}

/** A new database copied from the migrated template. */
export function freshPostgresDatabase(templateUrl: string): string {
  const name = `kn_test_${randomBytes(6).toString('hex')}`;
  // Issued from the admin database: a session on the template itself would make a
  // concurrent CREATE DATABASE ... TEMPLATE in another worker fail.
  psql(postgresUrl(templateUrl, 'postgres'), `CREATE DATABASE ${name} TEMPLATE ${PG_TEMPLATE}`);
  return postgresUrl(templateUrl, name);
}
