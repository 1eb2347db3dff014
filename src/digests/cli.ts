// CLI commands of the digests and reports: digest, report, export, group. Wired into src/cli/main.ts with
// registerDigestCommands(program).
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { finished } from 'node:stream/promises';
import { Command, Option } from 'commander';
import type { Config } from '../config/index.ts';
import { withDb } from '../cli/db.ts';
import { invalidDay } from '../core/dates.ts';
import { createLogger } from '../log.ts';
import { exportPetitions, EXPORT_FORMATS, type ExportFormat } from '../reports/export.ts';
import { buildReport, REPORT_FORMATS, type ReportFormat } from '../reports/index.ts';
import { dayRange, parseIsoDay } from './calendar.ts';
import { confirmGroup, groupPetitions, mergeGroups, movePetitions, renameGroup, splitGroup } from './grouping.ts';
import { previewDigest, queueDigestNow } from './preview.ts';

function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function day(value: string): string {
  const parsed = parseIsoDay(value);
  if (!parsed) throw new Error(invalidDay(value));
  return parsed;
}

function positiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new Error(`Không phải số hợp lệ: ${value}`);
  return number;
}

function optionalRange(options: { from?: string; to?: string }, config: Config) {
  if (!options.from && !options.to) return {};
  const range = dayRange(day(options.from ?? '1970-01-01'), day(options.to ?? '9999-12-31'), config.TZ);
  return { from: range.start, to: range.end };
}

export function registerDigestCommands(program: Command): void {
  program
    .command('digest')
    .description('bản tin ý kiến cử tri cho một đại biểu (ngoài lịch định kỳ)')
    .requiredOption('--deputy <id>', 'số của đại biểu')
    .option('--dry-run', 'chỉ in nội dung sẽ gửi, không gửi')
    .action(async (options: { deputy: string; dryRun?: boolean }) => {
      await withDb(async (db, config) => {
        const now = new Date();
        const preview = await previewDigest(db, config, positiveInt(options.deputy), now);
        const targets =
          preview.destinations.map((d) => `${d.channel}:${d.chatId} (${d.frequency})`).join(', ') || '(chưa đăng ký)';
        console.log(`Đại biểu: ${preview.deputy.name} (#${preview.deputy.id})\nGửi tới: ${targets}\n`);
        console.log(preview.content.text);
        if (options.dryRun) return;
        const queued = await queueDigestNow(db, preview, now);
        console.log(
          queued
            ? `\nĐã xếp hàng gửi tới ${queued} cuộc trò chuyện.`
            : '\nĐại biểu chưa đăng ký nhận bản tin: không gửi.',
        );
      });
    });

  program
    .command('report')
    .description('báo cáo tổng hợp ý kiến, kiến nghị cử tri (Word hoặc Excel)')
    // Checked in the action, not by commander: `report results` (a subcommand) needs none of them.
    .option('--from <date>', 'từ ngày (01/11/2026 hoặc 2026-11-01), bắt buộc')
    .option('--to <date>', 'đến ngày, tính cả ngày này, bắt buộc')
    .option('--meeting <code>', 'chỉ một hội nghị')
    .addOption(new Option('--format <format>', 'định dạng, bắt buộc').choices([...REPORT_FORMATS]))
    .option('--out <file>', 'tệp đầu ra, bắt buộc')
    .action(async (options: { from: string; to: string; meeting?: string; format: ReportFormat; out: string }) => {
      const missing = (['from', 'to', 'format', 'out'] as const).find((key) => !options[key]);
      if (missing) throw new Error(`Thiếu tùy chọn bắt buộc --${missing}`);
      await withDb(async (db, config) => {
        const report = await buildReport(db, config, {
          from: day(options.from),
          to: day(options.to),
          meetingCode: options.meeting,
          format: options.format,
        });
        await writeFile(options.out, report.buffer);
        console.log(`Đã ghi ${options.out}: ${report.petitions} ý kiến, ${report.meetings} hội nghị.`);
      });
    });

  program
    .command('export')
    .description('xuất ý kiến (phân loại, tình trạng mới nhất) cho công cụ khác; có ghi nhật ký')
    .addOption(new Option('--format <format>', 'định dạng').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .option('--out <file>', 'tệp đầu ra (mặc định: đầu ra chuẩn)')
    .option('--from <date>', 'nhận từ ngày')
    .option('--to <date>', 'nhận đến ngày, tính cả ngày này')
    .option('--with-personal-data', 'kèm họ tên, phường/xã, số điện thoại của cử tri đã đồng ý')
    .action(
      async (options: {
        format: ExportFormat;
        out?: string;
        from?: string;
        to?: string;
        withPersonalData?: boolean;
      }) => {
        await withDb(async (db, config) => {
          const log = createLogger(config.LOG_LEVEL);
          const out = options.out ? createWriteStream(options.out) : process.stdout;
          const count = await exportPetitions(
            db,
            out,
            {
              format: options.format,
              withPersonalData: Boolean(options.withPersonalData),
              ...optionalRange(options, config),
              actor: cliActor(),
              destination: options.out ?? 'stdout',
            },
            log,
          );
          if (options.out) {
            out.end();
            await finished(out);
            console.error(`Đã xuất ${count} ý kiến vào ${options.out}.`);
          }
        });
      },
    );

  const group = program.command('group').description('nhóm các ý kiến cùng nội dung');
  group
    .command('build')
    .description('nhóm các ý kiến chưa có nhóm (LLM nếu có cấu hình, nếu không thì so khớp văn bản)')
    .option('--from <date>', 'nhận từ ngày')
    .option('--to <date>', 'nhận đến ngày')
    .option('--no-llm', 'chỉ dùng so khớp văn bản')
    .action(async (options: { from?: string; to?: string; llm: boolean }) => {
      await withDb(async (db, config) => {
        const run = await groupPetitions(db, config, {
          ...optionalRange(options, config),
          llm: options.llm,
          log: createLogger(config.LOG_LEVEL),
        });
        console.log(
          `Cách nhóm: ${run.method === 'llm' ? 'LLM' : 'so khớp văn bản'}; ${run.created} nhóm mới, ${run.joined} ý kiến vào nhóm có sẵn.`,
        );
      });
    });
  group
    .command('list')
    .option('--json', 'in dạng JSON')
    .action(async (options: { json?: boolean }) => {
      await withDb(async (db) => {
        const groups = await db.petitionGroup.findMany({
          orderBy: { id: 'asc' },
          include: { petitions: { select: { trackingCode: true }, orderBy: { id: 'asc' } } },
        });
        const rows = groups.map((g) => ({
          id: g.id,
          title: g.title,
          confirmed: g.confirmed,
          petitions: g.petitions.map((p) => p.trackingCode),
        }));
        if (options.json) return console.log(JSON.stringify(rows, null, 2));
        if (rows.length === 0) return console.log('Chưa có nhóm nào.');
        for (const r of rows)
          console.log(
            `#${r.id}\t${r.confirmed ? 'đã xác nhận' : 'tự động'}\t${r.petitions.length} ý kiến\t${r.title}\t${r.petitions.join(' ')}`,
          );
      });
    });
  group
    .command('confirm <id>')
    .option('--title <title>', 'đặt lại tên chủ đề')
    .action(async (id: string, options: { title?: string }) => {
      await withDb((db) => confirmGroup(db, positiveInt(id), cliActor(), options.title));
      console.log(`Đã xác nhận nhóm #${id}.`);
    });
  group
    .command('merge <target> <sources...>')
    .description('gộp các nhóm nguồn vào nhóm đích')
    .action(async (target: string, sources: string[]) => {
      const moved = await withDb((db) => mergeGroups(db, positiveInt(target), sources.map(positiveInt), cliActor()));
      console.log(`Đã gộp vào nhóm #${target}: chuyển ${moved} ý kiến.`);
    });
  group
    .command('split <id> <codes...>')
    .description('tách các ý kiến (mã KN-...) ra một nhóm mới')
    .option('--title <title>', 'tên chủ đề của nhóm mới')
    .action(async (id: string, codes: string[], options: { title?: string }) => {
      const created = await withDb((db) => splitGroup(db, positiveInt(id), codes, cliActor(), options.title));
      console.log(`Đã tách ${codes.length} ý kiến sang nhóm mới #${created}.`);
    });
  group
    .command('rename <id> <title>')
    .description('đặt lại tên chủ đề của một nhóm')
    .action(async (id: string, title: string) => {
      await withDb((db) => renameGroup(db, positiveInt(id), title, cliActor()));
      console.log(`Đã đổi tên nhóm #${id}.`);
    });
  group
    .command('move <source> <target> <codes...>')
    .description('chuyển các ý kiến (mã KN-...) từ nhóm nguồn sang nhóm đích')
    .action(async (source: string, target: string, codes: string[]) => {
      const result = await withDb((db) =>
        movePetitions(db, positiveInt(source), codes, positiveInt(target), cliActor()),
      );
      const removed = result.sourceRemoved ? ` Nhóm #${source} không còn ý kiến nào nên đã được xóa.` : '';
      console.log(`Đã chuyển ${result.moved} ý kiến sang nhóm #${target}.${removed}`);
    });
}
