// `kiennghi petition import FILE --meeting CODE`: a meeting's minutes or lists into petitions.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { withDb } from '../cli/db.ts';
import { COLUMN_ROLE_HELP } from './columns.ts';
import { importMinutes, type ImportReport } from './import.ts';
import { SKIP_REASON_LABELS } from './split.ts';

interface ImportOptions {
  meeting: string;
  dryRun?: boolean;
  json?: boolean;
  columns?: string;
}

/** Adds `petition import` to the `kiennghi` program. */
export function registerMinutesCommands(program: Command): void {
  const petition =
    program.commands.find((command) => command.name() === 'petition') ??
    program.command('petition').description('kiến nghị cử tri');
  petition
    .command('import <file>')
    .description('nhập kiến nghị từ biên bản, danh sách tổng hợp của hội nghị (.docx, .xlsx, .csv, .txt)')
    .requiredOption('--meeting <code>', 'mã hội nghị')
    .option('--dry-run', 'chỉ xem trước, không lưu')
    .option('--json', 'in kết quả dạng JSON')
    .option('--columns <map>', `ghép cột của danh sách: "noi dung=Ý kiến,cu tri=Người phản ánh" (${COLUMN_ROLE_HELP})`)
    .action(async (file: string, options: ImportOptions) => {
      const content = await readFile(file);
      const report = await withDb((db, config) =>
        importMinutes(db, {
          meetingCode: options.meeting,
          fileName: file,
          content,
          columns: options.columns,
          dryRun: options.dryRun === true,
          now: new Date(),
          timeZone: config.TZ,
          actor: 'cli:import',
        }),
      );
      console.log(options.json ? JSON.stringify(report, null, 2) : describe(report, options.dryRun === true));
    });
}

function describe(report: ImportReport, dryRun: boolean): string {
  const lines = report.petitions.map((p) => {
    const who = [p.speaker, p.area].filter(Boolean).join(', ');
    const mark = { created: '+', updated: '~', unchanged: '=' }[p.result];
    const changed = p.changes.length ? ` [sửa: ${p.changes.join(', ')}]` : '';
    const voters = p.voters > 1 ? ` (${p.voters} cử tri)` : '';
    return `${mark} ${p.tracking_code ?? 'mới'}\t${p.position}\t${who || '-'}${voters}${changed}\n    ${p.text}`;
  });
  const skipped = report.skipped.map((s) => `  ${s.position}\t${SKIP_REASON_LABELS[s.reason]}\t${s.excerpt}`);
  const verb = dryRun ? 'Sẽ tạo' : 'Đã tạo';
  return [
    ...lines,
    ...(skipped.length ? ['Bỏ qua:', ...skipped] : []),
    `${verb} ${report.created}, cập nhật ${report.updated}, không đổi ${report.unchanged}, bỏ qua ${report.skipped.length} đoạn.` +
      (dryRun ? ' (Xem trước: chưa lưu gì.)' : ''),
  ].join('\n');
}
