// The `kiennghi` command line: the bot itself and the office's scripting commands.
import { readFile, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { z } from 'zod';
import { Api } from 'grammy';
import { registerClassifyCommands } from '../classify/index.ts';
import { ConfigError, loadConfig, type Config } from '../config/index.ts';
import { invalidDateTime, parseDateTime } from '../core/dates.ts';
import { MEETING_STATUS_LABELS } from '../core/messages-staff.ts';
import { formatDateTime } from '../core/time.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { withDb } from './db.ts';
import { registerDigestCommands } from '../digests/cli.ts';
import { localChatWanted, startApp } from '../main.ts';
import { registerOpsCommands } from './ops.ts';
import { speakVietnamese } from './output.ts';
import {
  deepLink,
  findMeetingByCode,
  importMeetingsCsv,
  listMeetings,
  saveMeeting,
  writeQrPng,
} from '../meetings/service.ts';
import { meetingPosterPdf, POSTER_SIZES, type PosterSize } from '../meetings/poster.ts';
import { scheduleIcs } from '../staff/schedule.ts';

// Validation messages (zod) in Vietnamese, like everything else a person reads here.
z.config(z.locales.vi());

/** Where the logs go while the terminal chat is on, relative to where the bot is started. */
const LOCAL_CHAT_LOG = './data/kiennghi.log';

const program = new Command('kiennghi').description('Trợ lý tiếp nhận ý kiến, kiến nghị cử tri');
// Set before any subcommand is declared: subcommands inherit the help option and the error output.
speakVietnamese(program);

program
  .command('start', { isDefault: true })
  .description('chạy bot (Telegram, Zalo, hoặc trò chuyện cục bộ khi chưa có token)')
  .action(async () => {
    const config = loadConfig();
    // The terminal chat owns the screen: its logs go to a file.
    const app = await startApp(config, { logFile: localChatWanted(config) ? LOCAL_CHAT_LOG : undefined });
    const stop = async () => {
      await app.stop();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await app.localChatDone;
    await stop();
  });

program
  .command('migrate')
  .description('áp dụng migration cơ sở dữ liệu')
  .action(async () => {
    await migrateDatabase(loadConfig().DATABASE_URL);
    console.log('Cơ sở dữ liệu đã cập nhật.');
  });

const meeting = program.command('meeting').description('quản lý hội nghị tiếp xúc cử tri');

meeting
  .command('add')
  .requiredOption('--code <code>', 'mã hội nghị (A-Z a-z 0-9 _ -)')
  .requiredOption('--title <title>', 'tiêu đề')
  .requiredOption('--start <date>', 'thời gian bắt đầu: dd/mm/yyyy HH:mm (giờ Việt Nam) hoặc ISO-8601')
  .requiredOption('--place <place>', 'địa điểm')
  .option('--ward <ward>', 'phường/xã')
  .option('--end <date>', 'thời gian kết thúc: dd/mm/yyyy HH:mm hoặc ISO-8601')
  .option('--kind <kind>', 'before_session | after_session | thematic | sector | other')
  .option('--constituency <name>', 'đơn vị bầu cử')
  .option('--deputies <names>', 'đại biểu dự, cách nhau bằng dấu ;')
  .action(async (options) => {
    const saved = await withDb((db, config) => saveMeeting(db, options, config.TZ));
    console.log(`Đã lưu hội nghị ${saved.code}: ${saved.title}`);
  });

meeting
  .command('import <file>')
  .description('nhập từ CSV: code,title,kind,start,end,place,ward,constituency,deputies (dd/mm/yyyy HH:mm hoặc ISO)')
  .action(async (file: string) => {
    const csv = await readFile(file, 'utf8');
    const result = await withDb((db, config) => importMeetingsCsv(db, csv, config.TZ));
    for (const error of result.errors) console.error(`Dòng ${error.line}: ${error.message}`);
    console.log(`Đã nhập ${result.saved} hội nghị, ${result.errors.length} dòng lỗi.`);
    if (result.errors.length) process.exitCode = 1;
  });

meeting
  .command('list')
  .option('--json', 'in dạng JSON')
  .action(async (options: { json?: boolean }) => {
    await withDb(async (db, config) => {
      const meetings = await listMeetings(db);
      if (options.json) {
        const rows = meetings.map(({ deputies, ...m }) => ({ ...m, deputies: deputies.map((d) => d.deputy.name) }));
        return console.log(JSON.stringify(rows, null, 2));
      }
      if (meetings.length === 0) return console.log('Chưa có hội nghị nào.');
      for (const m of meetings) {
        const deputies = m.deputies.map((d) => d.deputy.name).join('; ');
        console.log(
          `${m.code}\t${formatDateTime(m.startsAt, config.TZ)}\t${MEETING_STATUS_LABELS[m.status] ?? m.status}\t${m.title}\t${m.place}` +
            (m.ward ? `, ${m.ward}` : '') +
            (deputies ? `\t${deputies}` : ''),
        );
      }
    });
  });

meeting
  .command('qr <code>')
  .description('tạo mã QR (PNG) dẫn tới bot Telegram với mã hội nghị')
  .requiredOption('--out <file>', 'tệp PNG đầu ra')
  .option('--bot-username <name>', 'tên bot Telegram (mặc định: hỏi Telegram bằng getMe)')
  .action(async (code: string, options: { out: string; botUsername?: string }) => {
    await withDb(async (db, config) => {
      const found = await findMeetingByCode(db, code);
      if (!found) throw new CliError(`Không có hội nghị mã ${code}.`);
      const username = options.botUsername ?? (await botUsername(config));
      const link = deepLink(username.replace(/^@/, ''), found.code);
      await writeQrPng(link, options.out, found);
      console.log(`Đã ghi ${options.out}: ${link}`);
    });
  });

meeting
  .command('poster <code>')
  .description('tạo áp phích PDF (A4 hoặc A5) để in: hội nghị, mã QR Telegram, cách gửi qua Zalo, mã hội nghị')
  .requiredOption('--out <file>', 'tệp PDF đầu ra')
  .option('--size <size>', 'khổ giấy: a4 | a5', 'a4')
  .option('--bot-username <name>', 'tên bot Telegram (mặc định: hỏi Telegram bằng getMe)')
  .action(async (code: string, options: { out: string; size: string; botUsername?: string }) => {
    const size = options.size.toLowerCase();
    if (!isPosterSize(size)) throw new CliError(`Khổ giấy "${options.size}" không hợp lệ: chọn a4 hoặc a5.`);
    await withDb(async (db, config) => {
      const found = await db.meeting.findUnique({ where: { code: code.trim().toUpperCase() } });
      if (!found) throw new CliError(`Không có hội nghị mã ${code}.`);
      const username = options.botUsername ?? (await botUsername(config));
      const pdf = await meetingPosterPdf({
        office: config.OFFICE_NAME,
        meeting: found,
        telegramLink: deepLink(username.replace(/^@/, ''), found.code),
        zaloLink: config.ZALO_BOT_LINK,
        timeZone: config.TZ,
        size,
      });
      await writeFile(options.out, pdf);
      console.log(`Đã ghi áp phích ${options.out} (${size.toUpperCase()}).`);
    });
  });

meeting
  .command('ics')
  .description('xuất lịch tiếp xúc cử tri ra tệp iCalendar (.ics)')
  .option('--out <file>', 'tệp .ics đầu ra (mặc định: in ra màn hình)')
  .option('--from <date>', 'từ ngày (dd/mm/yyyy hoặc ISO-8601; mặc định: 30 ngày trước)')
  .action(async (options: { out?: string; from?: string }) => {
    await withDb(async (db, config) => {
      const from = options.from ? parseDateTime(options.from, config.TZ) : undefined;
      if (options.from && !from) throw new CliError(invalidDateTime(options.from));
      const { ics, count } = await scheduleIcs(db, new Date(), from);
      if (!options.out) return void process.stdout.write(ics);
      await writeFile(options.out, ics, 'utf8');
      console.log(`Đã ghi ${count} hội nghị vào ${options.out}`);
    });
  });

async function botUsername(config: Config): Promise<string> {
  if (!config.TELEGRAM_BOT_TOKEN) throw new CliError('Cần TELEGRAM_BOT_TOKEN hoặc --bot-username để tạo liên kết.');
  const me = await new Api(config.TELEGRAM_BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT }).getMe();
  return me.username;
}

function isPosterSize(size: string): size is PosterSize {
  return (POSTER_SIZES as readonly string[]).includes(size);
}

class CliError extends Error {}

registerClassifyCommands(program);
registerDigestCommands(program);
registerOpsCommands(program);
(await import('./followup.ts')).registerFollowupCommands(program);
(await import('../privacy/cli.ts')).registerPrivacyCommands(program);
(await import('./llm.ts')).registerLlmCommands(program);
(await import('../minutes/cli.ts')).registerMinutesCommands(program);
(await import('../web/cli.ts')).registerWebCommands(program);
(await import('../api/cli.ts')).registerApiTokenCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Expected failures get one clear line, not a stack trace.
  if (error instanceof ConfigError || error instanceof CliError) console.error(error.message);
  else if (error instanceof Error && error.name === 'ZodError')
    console.error(`Dữ liệu không hợp lệ: ${zodLine(error)}`);
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

function zodLine(error: Error): string {
  const issues = (error as unknown as { issues: { path: PropertyKey[]; message: string }[] }).issues;
  const first = issues[0];
  return first ? `${String(first.path[0] ?? '')}: ${first.message}` : error.message;
}
