// `kiennghi forward`, `kiennghi answers import` and `kiennghi report results`: the office's
// follow-up cycle on the command line (forwarding letters, agencies' answers, results reports).
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import type { Config } from '../config/index.ts';
import { invalidDateTime, invalidDay, parseDateTime, parseDay, type Ymd } from '../core/dates.ts';
import { formatDate } from '../core/time.ts';
import { MATCH_THRESHOLD, confident, matchAnswers, recordAnswers, type ProposedMatch } from '../followup/answers.ts';
import { answerDueDate } from '../followup/deadlines.ts';
import { documentText } from '../followup/extract.ts';
import { buildForwardingLetter, recordForwarding, selectForForwarding } from '../followup/forward.ts';
import { buildResults, RESULTS_FORMATS, ResultsError, type ResultsFormat } from '../followup/results.ts';
import { withDb } from './db.ts';

class FollowupCliError extends Error {}

function actor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function day(value: string | undefined): Ymd | undefined {
  if (value === undefined) return undefined;
  const parsed = parseDay(value);
  if (!parsed) throw new FollowupCliError(invalidDay(value));
  return parsed;
}

function instant(value: string | undefined, config: Config): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = parseDateTime(value, config.TZ);
  if (!parsed) throw new FollowupCliError(invalidDateTime(value));
  return parsed;
}

interface ForwardOptions {
  agency: string;
  from?: string;
  to?: string;
  meeting?: string;
  level?: string;
  anyAgency?: boolean;
  out: string;
  record?: boolean;
  number?: string;
  due?: string;
  date?: string;
}

async function forward(options: ForwardOptions): Promise<void> {
  await withDb(async (db, config) => {
    const criteria = {
      agency: options.agency,
      from: day(options.from),
      to: day(options.to),
      meetingCode: options.meeting,
      level: options.level,
      anyAgency: options.anyAgency,
    };
    const items = await selectForForwarding(db, criteria, config.TZ);
    if (items.length === 0) throw new FollowupCliError(`Không có kiến nghị nào chờ chuyển tới ${options.agency}.`);
    const date = instant(options.date, config) ?? new Date();
    const due = answerDueDate(date, config, instant(options.due, config));
    const letter = { agency: options.agency, number: options.number, date, due };
    await writeFile(options.out, await buildForwardingLetter(config, items, letter));
    console.log(`Đã ghi ${options.out}: ${items.length} kiến nghị, hạn trả lời ${formatDate(due, config.TZ)}.`);
    if (!options.record) return;
    const recorded = await recordForwarding(db, config, items, { ...letter, actor: actor() });
    console.log(`Đã ghi nhận chuyển ${recorded.length} kiến nghị tới ${options.agency}.`);
  });
}

interface AnswersOptions {
  agency?: string;
  dryRun?: boolean;
  json?: boolean;
  confirm?: boolean;
  minConfidence: string;
  assign?: string[];
  resolved?: boolean;
}

/** "2=KN-2026-000123": staff's correction of answer 2's match. */
function assignments(values: string[] = []): Map<number, string> {
  const map = new Map<number, string>();
  for (const value of values) {
    const match = /^(\d+)=(KN-\d{4}-\d{6})$/i.exec(value.trim());
    if (!match) throw new FollowupCliError(`--assign cần dạng số=mã, ví dụ 2=KN-2026-000123: "${value}"`);
    map.set(Number(match[1]), match[2]!.toUpperCase());
  }
  return map;
}

function describe(match: ProposedMatch, threshold: number): string {
  const how = match.by === 'code' ? 'mã trong văn bản' : match.by === 'staff' ? 'cán bộ chỉ định' : 'nội dung tương tự';
  const found = match.trackingCode
    ? `${match.trackingCode} (${Math.round(match.confidence * 100)}%, ${how})${match.confidence < threshold ? ' — cần xác nhận' : ''}`
    : 'không tìm được kiến nghị';
  return `${match.index}. ${found}\n   ${match.excerpt}`;
}

async function importAnswers(file: string, options: AnswersOptions): Promise<void> {
  const threshold = Number(options.minConfidence);
  if (!(threshold > 0 && threshold <= 1)) throw new FollowupCliError('--min-confidence phải trong khoảng (0, 1].');
  const text = await documentText(basename(file), await readFile(file));
  await withDb(async (db, config) => {
    const document = await matchAnswers(db, text, {
      agency: options.agency,
      timeZone: config.TZ,
      assign: assignments(options.assign),
    });
    const accepted = document.answers.filter((m) => confident(m, threshold));
    const record = options.confirm && !options.dryRun;
    const recorded = record
      ? await recordAnswers(db, config, document, accepted, {
          actor: actor(),
          now: new Date(),
          resolved: options.resolved,
        })
      : [];
    if (options.json) {
      const matched = accepted.map((m) => ({
        tracking_code: m.trackingCode,
        confidence: m.confidence,
        excerpt: m.excerpt,
      }));
      const unmatched = document.answers.filter((m) => !confident(m, threshold)).map((m) => m.excerpt);
      const counts = {
        answers: document.answers.length,
        matched: matched.length,
        unmatched: unmatched.length,
        recorded: recorded.length,
      };
      console.log(
        JSON.stringify({
          document: { number: document.number, date: document.date },
          matched,
          unmatched,
          counts,
          recorded,
        }),
      );
      return;
    }
    console.log(`Văn bản ${document.number ?? '(không rõ số)'}: ${document.answers.length} nội dung trả lời.`);
    for (const match of document.answers) console.log(describe(match, threshold));
    if (record) console.log(`Đã ghi nhận ${recorded.length} trả lời; cử tri gửi qua chat sẽ được báo một lần.`);
    else
      console.log(
        `Chưa ghi nhận gì. Thêm --confirm để ghi các khớp từ ${Math.round(threshold * 100)}%; sửa bằng --assign số=mã.`,
      );
  });
}

interface ResultsOptions {
  meeting?: string;
  constituency?: string;
  format: ResultsFormat;
  out: string;
}

async function results(options: ResultsOptions): Promise<void> {
  if (Boolean(options.meeting) === Boolean(options.constituency)) {
    throw new FollowupCliError('Cần đúng một trong --meeting hoặc --constituency.');
  }
  await withDb(async (db, config) => {
    const scope = options.meeting ? { meetingCode: options.meeting } : { constituency: options.constituency! };
    const report = await buildResults(db, config, scope, options.format).catch((error: unknown) => {
      throw error instanceof ResultsError ? new FollowupCliError(error.message) : error;
    });
    await writeFile(options.out, report.buffer);
    console.log(`Đã ghi ${options.out}: ${report.rows} kiến nghị.`);
  });
}

/**
 * Registers `forward`, `answers import` and `report results`. `report` itself takes options
 * (`report --from … --to …`), so options are read where they are written: the program's
 * before its subcommand, `report`'s before `results` (commander's positional options).
 */
export function registerFollowupCommands(program: Command): void {
  program
    .command('forward')
    .description('công văn chuyển kiến nghị của cử tri tới một cơ quan (Word); --record ghi nhận đã chuyển')
    .requiredOption('--agency <name>', 'cơ quan nhận')
    .option('--from <date>', 'nhận từ ngày')
    .option('--to <date>', 'nhận đến ngày, tính cả ngày này')
    .option('--meeting <code>', 'chỉ một hội nghị')
    .option('--level <level>', 'cấp thẩm quyền: central | city | commune (district: dữ liệu cũ)')
    .option('--any-agency', 'mọi kiến nghị theo bộ lọc, không chỉ những kiến nghị đã phân loại cho cơ quan này')
    .requiredOption('--out <file>', 'tệp .docx đầu ra')
    .option('--record', 'ghi nhận đã chuyển (cơ quan, ngày, số công văn, hạn trả lời)')
    .option('--number <số>', 'số công văn, ví dụ 123/ĐĐBQH-HĐND')
    .option('--date <date>', 'ngày công văn (mặc định: hôm nay)')
    .option('--due <date>', 'hạn trả lời (mặc định: ANSWER_DUE_DAYS ngày sau ngày công văn)')
    .action(forward);

  const answers = program.command('answers').description('văn bản trả lời của cơ quan có thẩm quyền');
  answers
    .command('import <file>')
    .description('đọc văn bản trả lời (.docx, .pdf), khớp từng nội dung với kiến nghị; --confirm để ghi nhận')
    .option('--agency <name>', 'chỉ khớp với kiến nghị đã chuyển tới cơ quan này')
    .option('--dry-run', 'chỉ hiển thị, không ghi nhận (kể cả khi có --confirm)')
    .option('--json', 'in kết quả dạng JSON')
    .option('--confirm', 'ghi nhận các khớp đạt ngưỡng và báo cử tri')
    .option('--min-confidence <n>', 'ngưỡng độ tin cậy để ghi nhận', String(MATCH_THRESHOLD))
    .option('--assign <n=code...>', 'chỉ định kiến nghị cho nội dung thứ n, ví dụ 2=KN-2026-000123')
    .option('--resolved', 'các trả lời được ghi nhận cũng là đã giải quyết')
    .action(importAnswers);

  const report = program.commands.find((command) => command.name() === 'report');
  if (!report) throw new Error('the report command must be registered first');
  program.enablePositionalOptions();
  report.enablePositionalOptions();
  report
    .command('results')
    .description('báo cáo kết quả giải quyết kiến nghị cử tri của một hội nghị hoặc đơn vị bầu cử')
    .option('--meeting <code>', 'hội nghị')
    .option('--constituency <name>', 'đơn vị bầu cử')
    .addOption(new Option('--format <format>', 'định dạng').choices([...RESULTS_FORMATS]).makeOptionMandatory())
    .requiredOption('--out <file>', 'tệp đầu ra')
    .action(results);
}
