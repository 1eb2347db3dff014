// Operator commands: backup, backup verify, restore, retention run.
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { formatDateTime } from '../core/time.ts';
import { connectDb } from '../db/client.ts';
import { backupFileName, backupKind, recordBackup, writeBackup } from '../ops/backup.ts';
import { restoreBackup, verifyBackup, type DatabaseCounts } from '../ops/restore.ts';
import { runRetention, type RetentionCounts } from '../ops/retention.ts';
import { withDb } from './db.ts';

const RETENTION_LABELS: Record<keyof RetentionCounts, string> = {
  petitionsRedacted: 'Kiến nghị đã gỡ dữ liệu cá nhân',
  votersRemoved: 'Hồ sơ cử tri đã xóa',
  conversationsCleared: 'Hội thoại đã đặt lại',
  conversationsRemoved: 'Hội thoại đã xóa',
  outboxMessagesRemoved: 'Tin nhắn đã gửi đã xóa',
};

/** Adds the operator commands to the `kiennghi` program. */
export function registerOpsCommands(program: Command): void {
  const backup = program
    .command('backup')
    .description('sao lưu cơ sở dữ liệu khi bot đang chạy (SQLite: VACUUM INTO; PostgreSQL: pg_dump -Fc)')
    .option('--out <file>', 'tệp sao lưu (mặc định: một tệp mới trong BACKUP_DIR)')
    .action(async (options: { out?: string }) => {
      const config = loadConfig();
      const kind = backupKind(config.DATABASE_URL);
      const out =
        options.out ?? (config.BACKUP_DIR && join(config.BACKUP_DIR, backupFileName(new Date(), config.TZ, kind)));
      if (!out) throw new Error('Cần --out <tệp> hoặc BACKUP_DIR.');
      // The copy comes first, before any connection that could migrate: a backup taken before an
      // upgrade stays as it was.
      const result = await writeBackup(config.DATABASE_URL, out);
      const db = await connectDb(config.DATABASE_URL);
      try {
        await recordBackup(db, 'cli', result);
      } finally {
        await db.$disconnect();
      }
      console.log(`Đã sao lưu vào ${result.file} (${result.bytes} byte).`);
    });

  backup
    .command('verify <file>')
    .description('kiểm tra một bản sao lưu (chỉ đọc) và in số liệu của nó')
    .option('--json', 'in dạng JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const report = await verifyBackup(file);
      if (!report.ok) process.exitCode = 1;
      if (options.json) return console.log(JSON.stringify(report, null, 2));
      const { TZ } = loadConfig();
      if (report.kind === 'sqlite') {
        console.log(`Tệp: ${file}\nLoại: SQLite\nKiểm tra toàn vẹn: ${report.integrity.slice(0, 5).join('; ')}`);
        printCounts(report.counts, TZ);
      } else {
        console.log(`Tệp: ${file}\nLoại: PostgreSQL (pg_dump -Fc)\nMục trong mục lục: ${report.entries}`);
        if (report.missing.length) console.log(`Thiếu dữ liệu bảng: ${report.missing.join(', ')}`);
        console.log(
          'Muốn thử khôi phục: tạo một cơ sở dữ liệu trống (createdb kiennghi_thu) rồi chạy\n' +
            `  npx kiennghi restore ${file} --database-url postgresql://.../kiennghi_thu`,
        );
      }
      console.log(report.ok ? 'Kết quả: bản sao lưu dùng được.' : 'Kết quả: bản sao lưu KHÔNG dùng được.');
    });

  program
    .command('restore <file>')
    .description('khôi phục bản sao lưu vào cơ sở dữ liệu trống, rồi áp dụng migration')
    .option('--database-url <url>', 'cơ sở dữ liệu đích (mặc định: DATABASE_URL)')
    .option('--force', 'thay thế cả cơ sở dữ liệu đã có dữ liệu')
    .action(async (file: string, options: { databaseUrl?: string; force?: boolean }) => {
      const config = loadConfig();
      const url = options.databaseUrl ?? config.DATABASE_URL;
      if (!/^(file:|postgres(ql)?:\/\/)/.test(url))
        throw new Error('--database-url phải bắt đầu bằng file: hoặc postgresql://');
      const counts = await restoreBackup(file, url, { force: options.force });
      console.log('Đã khôi phục.');
      printCounts(counts, config.TZ);
    });

  program
    .command('retention')
    .description('thời hạn lưu trữ dữ liệu cá nhân (Luật 91/2025)')
    .command('run')
    .description('áp dụng RETENTION_PERSONAL_DAYS và RETENTION_CONVERSATION_DAYS ngay')
    .option('--dry-run', 'chỉ đếm, không thay đổi gì')
    .option('--json', 'in dạng JSON')
    .action(async (options: { dryRun?: boolean; json?: boolean }) => {
      await withDb(async (db, config) => {
        const report = await runRetention(db, config, { dryRun: options.dryRun, actor: 'cli' });
        if (options.json) return console.log(JSON.stringify(report, null, 2));
        if (report.dryRun) console.log('Chạy thử: không thay đổi gì.');
        if (report.personalDays === null) console.log('RETENTION_PERSONAL_DAYS chưa đặt: giữ dữ liệu cá nhân.');
        for (const [key, label] of Object.entries(RETENTION_LABELS)) {
          console.log(`${label}: ${report.counts[key as keyof RetentionCounts]}`);
        }
      });
    });
}

function printCounts(counts: DatabaseCounts, timeZone: string): void {
  console.log(`Kiến nghị: ${counts.petitions}\nCử tri: ${counts.voters}\nHội nghị: ${counts.meetings}`);
  const newest = counts.newestPetitionAt ? formatDateTime(counts.newestPetitionAt, timeZone) : 'chưa có';
  console.log(`Kiến nghị mới nhất: ${newest}`);
}
