// Backups that restore: a copy taken while a burst of petitions is being taken holds every
// petition acknowledged before it started, restores into a fresh database, and verifies;
// scheduled backups are durable jobs written atomically and pruned to BACKUP_KEEP.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, inject, it } from 'vitest';
import { backupFileName, findPgTool } from '../../src/ops/backup.ts';
import { BACKUP_JOB, scheduledBackup } from '../../src/ops/index.ts';
import { slotKey } from '../../src/ops/schedule.ts';
import { textMessage } from '../fakes/telegram.ts';
import { freshDatabaseUrl, openDb, startTestApp, waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';

const run = promisify(execFile);
const SECRET = 'backup_test_secret';
const VOTERS = 300;
const onPostgres = inject('templateDb').startsWith('postgres');

const fx = useFakes({ telegram: true });

/** Runs `kiennghi` as offices script it; resolves with its exit code and output. */
async function kiennghi(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/kiennghi.js', ...args], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, out: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

async function deliver(port: number, update: object): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': SECRET },
    body: JSON.stringify(update),
  });
  return response.status === 200;
}

const petitionText = (i: number) => `Kiến nghị số ${i}: sửa đèn đường ngõ ${i}`;

it.skipIf(onPostgres && !findPgTool('pg_dump'))(
  'backs up during a burst of petitions; the restored copy holds every one acknowledged before and verifies',
  { timeout: 180_000 },
  async () => {
    const databaseUrl = freshDatabaseUrl();
    const app = await fx.start(
      {
        PUBLIC_URL: 'https://bot.example.test',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        FLOOD_MAX_MESSAGES: '1000',
      },
      { databaseUrl },
    );
    // Voters who already chose to send anonymously: each update below is one petition.
    const userIds = Array.from({ length: VOTERS }, (_, i) => 700_000 + i);
    await app.db.voter.createMany({
      data: userIds.map((id) => ({
        channel: 'telegram',
        channelUserId: String(id),
        chatId: String(id),
        consent: 'anonymous',
        consentAt: new Date(),
      })),
    });
    const dir = mkdtempSync(join(tmpdir(), 'kiennghi-backup-'));
    const file = join(dir, onPostgres ? 'during-burst.dump' : 'during-burst.db');

    const acked: number[] = [];
    let ackedAtStart: number[] | undefined;
    let backup: Promise<{ code: number; out: string }> | undefined;
    let next = 0;
    const port = app.port;
    const worker = async () => {
      while (next < VOTERS) {
        const i = next++;
        if (await deliver(port, { update_id: 50_000 + i, ...textMessage(userIds[i]!, petitionText(i)) })) acked.push(i);
        if (!backup && acked.length >= VOTERS / 4) {
          ackedAtStart = [...acked];
          backup = kiennghi(['backup', '--out', file], { DATABASE_URL: databaseUrl });
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const made = await backup!;
    expect(made.code, made.out).toBe(0);
    expect(ackedAtStart!.length).toBeLessThan(VOTERS);
    // Only the finished copy carries a name in the folder.
    expect(readdirSync(dir)).toEqual([onPostgres ? 'during-burst.dump' : 'during-burst.db']);

    const codes = new Map(
      (await app.db.petition.findMany({ select: { text: true, trackingCode: true } })).map((p) => [
        p.text,
        p.trackingCode,
      ]),
    );
    const expected = ackedAtStart!.map((i) => ({ text: petitionText(i), trackingCode: codes.get(petitionText(i))! }));

    const verified = await kiennghi(['backup', 'verify', file], { DATABASE_URL: databaseUrl });
    expect(verified.code, verified.out).toBe(0);
    expect(verified.out).toContain('dùng được');

    const restoredUrl = freshDatabaseUrl();
    const restored = await kiennghi(['restore', file, '--database-url', restoredUrl], { DATABASE_URL: databaseUrl });
    expect(restored.code, restored.out).toBe(0);
    const copy = await openDb(restoredUrl);
    try {
      const inCopy = await copy.petition.findMany({ select: { text: true, trackingCode: true } });
      expect(restored.out).toContain(`Kiến nghị: ${inCopy.length}`);
      expect(inCopy.length).toBeGreaterThanOrEqual(expected.length);
      const byCode = new Map(inCopy.map((p) => [p.trackingCode, p.text]));
      for (const petition of expected) expect(byCode.get(petition.trackingCode)).toBe(petition.text);
      expect(await copy.voter.count()).toBe(VOTERS);
    } finally {
      await copy.$disconnect();
    }

    // A database that holds data is refused unless forced.
    const refused = await kiennghi(['restore', file, '--database-url', restoredUrl], { DATABASE_URL: databaseUrl });
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('--force');
  },
);

it('refuses to verify a file that is not a complete backup', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiennghi-backup-'));
  const file = join(dir, 'half.db');
  writeFileSync(file, 'SQLite format 3\0' + 'x'.repeat(5000));
  const result = await kiennghi(['backup', 'verify', file], { DATABASE_URL: freshDatabaseUrl() });
  expect(result.code).toBe(1);
  expect(result.out).toContain('KHÔNG');
});

it.skipIf(onPostgres && !findPgTool('pg_dump'))(
  'books scheduled backups as durable jobs and keeps BACKUP_KEEP of them',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiennghi-backups-'));
    const env = { BACKUP_DIR: dir, BACKUP_KEEP: '2', BACKUP_SCHEDULE: '0 2 * * *', METRICS_TOKEN: 'metrics-token' };
    const databaseUrl = freshDatabaseUrl();
    const app = await fx.start(env, { databaseUrl, withFakes: false });
    // A second instance on the same database books the same slot: one job.
    const second = await startTestApp(env, databaseUrl);
    await second.stop();
    const booked = await app.db.job.findMany({ where: { type: BACKUP_JOB } });
    expect(booked).toHaveLength(1);
    expect(booked[0]!.runAt.getTime()).toBeGreaterThan(Date.now());
    expect(booked[0]!.uniqueKey).toBe(slotKey(BACKUP_JOB, booked[0]!.runAt));

    // The slot comes due: the worker writes the backup and books the following slot.
    await app.db.job.update({ where: { id: booked[0]!.id }, data: { runAt: new Date(Date.now() - 1000) } });
    app.queue.kick(BACKUP_JOB);
    const kind = onPostgres ? 'postgresql' : 'sqlite';
    const first = backupFileName(booked[0]!.runAt, app.config.TZ, kind);
    await waitUntil(() => Promise.resolve(readdirSync(dir).includes(first)), 30_000);
    await waitUntil(async () => (await app.db.job.count({ where: { type: BACKUP_JOB, status: 'pending' } })) === 1);

    const deps = { db: app.db, config: app.config, log: app.log };
    for (const day of [1, 2]) await scheduledBackup(deps, dir, new Date(booked[0]!.runAt.getTime() + day * 86_400_000));
    const names = readdirSync(dir).sort();
    expect(names).toHaveLength(2);
    expect(names).not.toContain(first);

    const metrics = await (
      await fetch(`http://127.0.0.1:${app.port}/metrics`, { headers: { Authorization: 'Bearer metrics-token' } })
    ).text();
    const last = Number(/^kiennghi_backup_last_success_timestamp_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(last).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(metrics).toMatch(/^kiennghi_backups_total\{outcome="success"\} [1-9]/m);
  },
);
