// `kiennghi api-token create|list|revoke`: the bearer tokens of the read-only API. A new
// token is printed once (alone on standard output, so a script can keep it); the database
// keeps its hash.
import type { Command } from 'commander';
import { withDb } from '../cli/db.ts';
import { formatDateTime } from '../core/time.ts';
import { API_SCOPES, createApiToken, listApiTokens, revokeApiToken } from './tokens.ts';

export function registerApiTokenCommands(program: Command): void {
  const tokens = program.command('api-token').description('mã truy cập API chỉ đọc (/api/v1)');
  tokens
    .command('create')
    .description('tạo mã truy cập, in ra một lần duy nhất')
    .requiredOption('--name <name>', 'tên gợi nhớ (ai dùng, để làm gì), ghi vào nhật ký mỗi lần gọi')
    .requiredOption('--scope <scope>', `quyền: ${API_SCOPES.join(' (số liệu) hoặc ')} (kiến nghị và số liệu)`)
    .action(async (options: { name: string; scope: string }) => {
      await withDb(async (db) => {
        const token = await createApiToken(db, options.name, options.scope);
        console.error(
          `Đã tạo mã truy cập "${options.name}" (quyền ${options.scope}). Mã chỉ hiện một lần, xin lưu lại ngay:`,
        );
        console.log(token);
      });
    });
  tokens
    .command('list')
    .description('các mã truy cập: tên, quyền, ngày tạo, lần dùng cuối, đã thu hồi chưa (không in mã)')
    .option('--json', 'in dạng JSON')
    .action(async (options: { json?: boolean }) => {
      await withDb(async (db, config) => {
        const rows = await listApiTokens(db);
        if (options.json) {
          console.log(JSON.stringify(rows, null, 2));
          return;
        }
        if (rows.length === 0) {
          console.log('Chưa có mã truy cập nào. Tạo bằng: kiennghi api-token create --name TÊN --scope read:stats');
          return;
        }
        const when = (date: Date | null) => (date ? formatDateTime(date, config.TZ) : 'chưa dùng');
        for (const row of rows) {
          const state = row.revokedAt ? `đã thu hồi ${formatDateTime(row.revokedAt, config.TZ)}` : 'đang dùng';
          console.log(
            `${row.name} · ${row.scope} · tạo ${formatDateTime(row.createdAt, config.TZ)} · ` +
              `dùng lần cuối: ${when(row.lastUsedAt)} · ${state}`,
          );
        }
      });
    });
  tokens
    .command('revoke')
    .description('thu hồi một mã truy cập (hết hiệu lực ngay)')
    .argument('<name>', 'tên của mã')
    .action(async (name: string) => {
      await withDb(async (db) => {
        await revokeApiToken(db, name, new Date());
        console.log(`Đã thu hồi mã truy cập "${name}".`);
      });
    });
}
