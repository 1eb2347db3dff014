// Applies the committed migrations with Prisma's own `migrate deploy` (offline in
// driver-adapter mode), so start-up, the CLI and CI all use the same path.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { resolveDatabaseUrl } from './client.ts';

const run = promisify(execFile);
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function migrateDatabase(databaseUrl: string): Promise<void> {
  const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  try {
    await run(process.execPath, [cli, 'migrate', 'deploy'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: resolveDatabaseUrl(databaseUrl), PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    });
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    const detail = `${output.stderr ?? ''}${output.stdout ?? ''}`.trim().split('\n').slice(-3).join(' ');
    throw new Error(`Không áp dụng được migration cơ sở dữ liệu: ${detail}`);
  }
}
