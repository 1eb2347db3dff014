// The `kiennghi` command line: the bot itself and the office's scripting commands. Modules are
// imported where a command needs them, so a command starts without loading the rest (see lazy.ts).
import { readFile, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { Config } from '../config/index.ts';
import { registerCommandModules, type CommandModule } from './lazy.ts';
import { speakVietnamese } from './output.ts';
import type { PosterSize } from '../meetings/poster.ts';

/** Where the logs go while the terminal chat is on, relative to where the bot is started. */
const LOCAL_CHAT_LOG = './data/kiennghi.log';

/** The modules that add commands, in the order they add them (a later one may extend an earlier one's command). */
export const COMMAND_MODULES: CommandModule[] = [
  { id: 'classify', register: async (p) => (await import('../classify/cli.ts')).registerClassifyCommands(p) },
  { id: 'digests', register: async (p) => (await import('../digests/cli.ts')).registerDigestCommands(p) },
  { id: 'ops', register: async (p) => (await import('./ops.ts')).registerOpsCommands(p) },
  { id: 'followup', register: async (p) => (await import('./followup.ts')).registerFollowupCommands(p) },
  { id: 'privacy', register: async (p) => (await import('../privacy/cli.ts')).registerPrivacyCommands(p) },
  { id: 'llm', register: async (p) => (await import('./llm.ts')).registerLlmCommands(p) },
  { id: 'minutes', register: async (p) => (await import('../minutes/cli.ts')).registerMinutesCommands(p) },
  { id: 'web', register: async (p) => (await import('../web/cli.ts')).registerWebCommands(p) },
  { id: 'api', register: async (p) => (await import('../api/cli.ts')).registerApiTokenCommands(p) },
];

/** The program with its own commands (start, migrate, meeting …), before the command modules. */
export function createProgram(): Command {
  const program = new Command('kiennghi').description('Trợ lý tiếp nhận ý kiến, kiến nghị cử tri');
  // Set before any subcommand is declared: subcommands inherit the help option and the error output.
  speakVietnamese(program);
  addOwnCommands(program);
  return program;
}

function addOwnCommands(program: Command): void {
  program
    .command('start', { isDefault: true })
    .description('chạy bot (Telegram, Zalo, hoặc trò chuyện cục bộ khi chưa có token)')
    .action(async () => {
      const { loadConfig } = await import('../config/index.ts');
      const { localChatWanted, startApp } = await import('../main.ts');
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
      const { loadConfig } = await import('../config/index.ts');
      const { migrateDatabase } = await import('../db/migrate.ts');
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
      const { withDb } = await import('./db.ts');
      const { saveMeeting } = await import('../meetings/service.ts');
      const saved = await withDb((db, config) => saveMeeting(db, options, config.TZ));
      console.log(`Đã lưu hội nghị ${saved.code}: ${saved.title}`);
    });

  meeting
    .command('import <file>')
    .description('nhập từ CSV: code,title,kind,start,end,place,ward,constituency,deputies (dd/mm/yyyy HH:mm hoặc ISO)')
    .action(async (file: string) => {
      const csv = await readFile(file, 'utf8');
      const { withDb } = await import('./db.ts');
      const { importMeetingsCsv } = await import('../meetings/service.ts');
      const result = await withDb((db, config) => importMeetingsCsv(db, csv, config.TZ));
      for (const error of result.errors) console.error(`Dòng ${error.line}: ${error.message}`);
      console.log(`Đã nhập ${result.saved} hội nghị, ${result.errors.length} dòng lỗi.`);
      if (result.errors.length) process.exitCode = 1;
    });

  meeting
    .command('list')
    .option('--json', 'in dạng JSON')
    .action(async (options: { json?: boolean }) => {
      const { withDb } = await import('./db.ts');
      const { listMeetings } = await import('../meetings/service.ts');
      const { MEETING_STATUS_LABELS } = await import('../core/messages-staff.ts');
      const { formatDateTime } = await import('../core/time.ts');
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
      const { withDb } = await import('./db.ts');
      const { deepLink, findMeetingByCode, writeQrPng } = await import('../meetings/service.ts');
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
      const { meetingPosterPdf, POSTER_SIZES } = await import('../meetings/poster.ts');
      const { withDb } = await import('./db.ts');
      const { deepLink } = await import('../meetings/service.ts');
      const size = options.size.toLowerCase();
      if (!isPosterSize(size, POSTER_SIZES))
        throw new CliError(`Khổ giấy "${options.size}" không hợp lệ: chọn a4 hoặc a5.`);
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
      const { withDb } = await import('./db.ts');
      const { invalidDateTime, parseDateTime } = await import('../core/dates.ts');
      const { scheduleIcs } = await import('../staff/schedule.ts');
      await withDb(async (db, config) => {
        const from = options.from ? parseDateTime(options.from, config.TZ) : undefined;
        if (options.from && !from) throw new CliError(invalidDateTime(options.from));
        const { ics, count } = await scheduleIcs(db, new Date(), from);
        if (!options.out) return void process.stdout.write(ics);
        await writeFile(options.out, ics, 'utf8');
        console.log(`Đã ghi ${count} hội nghị vào ${options.out}`);
      });
    });
}

async function botUsername(config: Config): Promise<string> {
  if (!config.TELEGRAM_BOT_TOKEN) throw new CliError('Cần TELEGRAM_BOT_TOKEN hoặc --bot-username để tạo liên kết.');
  const { Api } = await import('grammy');
  const me = await new Api(config.TELEGRAM_BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT }).getMe();
  return me.username;
}

function isPosterSize(size: string, sizes: readonly PosterSize[]): size is PosterSize {
  return (sizes as readonly string[]).includes(size);
}

class CliError extends Error {}

/** Runs the command line on `argv` (process.argv: node, the script, then the arguments). */
export async function run(argv: string[]): Promise<void> {
  const program = createProgram();
  try {
    const loaded = await registerCommandModules(program, COMMAND_MODULES, argv.slice(2));
    // Validation messages (zod) in Vietnamese, like everything else a person reads here: set
    // before anything parses, unless only help is shown (then zod is not loaded at all).
    if (loaded || !wantsHelp(argv.slice(2))) {
      const { z } = await import('zod');
      z.config(z.locales.vi());
    }
    await program.parseAsync(argv);
  } catch (error) {
    console.error(await errorLine(error));
    process.exit(1);
  }
}

function wantsHelp(args: string[]): boolean {
  return args.includes('-h') || args.includes('--help') || args[0] === 'help';
}

/** Expected failures get one clear line, not a stack trace. */
async function errorLine(error: unknown): Promise<unknown> {
  const { ConfigError } = await import('../config/index.ts');
  if (error instanceof ConfigError || error instanceof CliError) return error.message;
  if (error instanceof Error && error.name === 'ZodError') return `Dữ liệu không hợp lệ: ${zodLine(error)}`;
  return error instanceof Error ? error.message : error;
}

function zodLine(error: Error): string {
  const issues = (error as unknown as { issues: { path: PropertyKey[]; message: string }[] }).issues;
  const first = issues[0];
  return first ? `${String(first.path[0] ?? '')}: ${first.message}` : error.message;
}
