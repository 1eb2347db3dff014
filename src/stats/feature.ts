// Statistics in chat: /thongke (numbers), /bieudo (charts as photos), and free questions
// from staff, deputies and admins, answered by the assistant in a background job so a slow
// model never holds the turn's database transaction.
import type { Config } from '../config/index.ts';
import type { Feature, Turn } from '../core/types.ts';
import { digestMsg } from '../core/messages-digest.ts';
import { followupStaffMsg, staffMsg } from '../core/messages-staff.ts';
import { addToOutbox, type Outbox } from '../core/outbox.ts';
import { resolveRole } from '../core/roles.ts';
import { normalizeText } from '../core/text.ts';
import type { Channel, OutgoingMessage } from '../core/types.ts';
import type { Db } from '../db/client.ts';
import { enqueueJob, type ClaimedJob, type JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';
import { can, rolesWith } from '../staff/access.ts';
import { answerQuestion, suggestCommands } from './assistant.ts';
import { parseStatsArgs } from './filters.ts';
import { taxonomyLabels } from '../classify/labels.ts';
import { breakdown, countPetitions, perDay } from './queries.ts';
import { chartPeriod, scopedFilter, statsFigures, type SessionDeadlines } from './report.ts';
import { chatStatsScope } from './scope.ts';

export const QUESTION_JOB = 'assistant.question';
const MAX_QUESTION_CHARS = 1000;
/** Questions answered at once. */
const QUESTION_CONCURRENCY = 3;
/** Staff text is a question unless a narrower claim (an invite code) takes it. */
const QUESTION_PRIORITY = 10;

export interface StatsFeatureOptions {
  db: Db;
  config: Config;
  log: Logger;
  outbox: Outbox;
  queue: JobQueue;
}

interface QuestionPayload {
  channel: Channel;
  chatId: string;
  userId: string;
  question: string;
}

/** The asker's filter from "/thongke" arguments, within their scope; null when told what was not understood. */
async function filterFromArgs(turn: Turn, args: string) {
  const { spec, unknown } = parseStatsArgs(args, turn.now, turn.config.TZ);
  if (unknown.length) {
    turn.reply(staffMsg.statsUnknown(unknown));
    return null;
  }
  return { spec, scope: await chatStatsScope(turn.tx, turn.role, turn.event.channel, turn.event.userId) };
}

async function stats(turn: Turn, args: string): Promise<void> {
  const parsed = await filterFromArgs(turn, args);
  if (!parsed) return;
  const { filter, summary, overdue, deadlines } = await statsFigures(
    turn.tx,
    turn.config,
    parsed.spec,
    turn.now,
    parsed.scope,
  );
  const text = staffMsg.stats(filter.parts, summary, filter.problems);
  turn.reply([text, followupStaffMsg.overdue(overdue), ...deadlineLines(deadlines)].join('\n'));
}

/** The session deadline the office works toward, and how many petitions missed the last one. */
function deadlineLines({ status, late }: SessionDeadlines): string[] {
  const lines: string[] = [];
  if (late > 0) lines.push(digestMsg.late(late));
  if (status.next) lines.push(digestMsg.nextDeadline(status.next.kind, status.next.day, status.next.daysLeft));
  return lines;
}

function photo(name: string, caption: string, png: Buffer): OutgoingMessage {
  return { text: caption, file: { name, base64: png.toString('base64'), kind: 'photo' } };
}

async function charts(turn: Turn, args: string): Promise<void> {
  const parsed = await filterFromArgs(turn, args);
  if (!parsed) return;
  const { spec } = parsed;
  const labels = taxonomyLabels(turn.config.TAXONOMY);
  const filter = await scopedFilter(turn.tx, spec, labels, turn.config.WARDS, parsed.scope);
  const scope = filter.parts.join('; ') || staffMsg.scopeAll();
  if ((await countPetitions(turn.tx, filter.where)) === 0) return turn.reply(staffMsg.chartsNone(scope));
  // vega takes a while to load: only a chart request pays for it.
  const { barChartPng, lineChartPng } = await import('./charts.ts');
  const byField = await breakdown(turn.tx, filter.where, 'field', labels, 20);
  turn.reply(photo('linh-vuc.png', staffMsg.chartField(scope), await barChartPng(staffMsg.chartField(scope), byField)));
  const byLevel = await breakdown(turn.tx, filter.where, 'authority', labels, 10);
  turn.reply(
    photo('cap-tham-quyen.png', staffMsg.chartLevel(scope), await barChartPng(staffMsg.chartLevel(scope), byLevel)),
  );
  // A line needs a period: without one, the last 30 days.
  const tz = turn.config.TZ;
  const period = chartPeriod(spec.period, turn.now, tz);
  const daily = await perDay(turn.tx, filter.where, period, tz);
  const dailyScope = spec.period ? scope : [period.label, ...filter.parts].join('; ');
  turn.reply(
    photo('theo-ngay.png', staffMsg.chartDaily(dailyScope), await lineChartPng(staffMsg.chartDaily(dailyScope), daily)),
  );
}

export function statsFeature(options: StatsFeatureOptions): Feature {
  const { db, config, log, outbox, queue } = options;

  queue.register(QUESTION_JOB, {
    batchSize: 1,
    // One staff member's question waiting on the model must not hold another's.
    concurrency: QUESTION_CONCURRENCY,
    async handle(jobs: ClaimedJob[]) {
      for (const job of jobs) await answerJob(job.payload as QuestionPayload);
    },
  });

  /** Answers once; a failure is told to the asker rather than retried (answers go stale). */
  async function answerJob(payload: QuestionPayload): Promise<void> {
    const role = await resolveRole(db, config, payload.channel, payload.userId);
    let text: string;
    if (!can(role, 'assistant')) text = staffMsg.notAllowed();
    else {
      const scope = await chatStatsScope(db, role, payload.channel, payload.userId);
      text = await answerQuestion({ db, config, log }, { text: payload.question, role, now: new Date(), scope }).catch(
        (error: unknown) => {
          log.error({ err: error }, 'assistant question failed');
          return staffMsg.answerFailed();
        },
      );
    }
    await addToOutbox(db, payload.channel, payload.chatId, [{ text }]);
    await outbox.flush(payload.channel, payload.chatId);
  }

  async function onQuestion(turn: Turn): Promise<void> {
    if (turn.event.kind !== 'text') return;
    const question = normalizeText(turn.event.text).slice(0, MAX_QUESTION_CHARS);
    if (!question) return;
    if (!turn.config.llmEnabled) return turn.reply(staffMsg.noLlm(suggestCommands(question)));
    const { channel, chatId, userId } = turn.event;
    await enqueueJob(turn.tx, QUESTION_JOB, { channel, chatId, userId, question } satisfies QuestionPayload, {
      maxAttempts: 1,
    });
    turn.afterCommit(() => queue.kick(QUESTION_JOB));
    turn.reply(staffMsg.thinking());
  }

  const askers = rolesWith('assistant');
  return {
    name: 'stats',
    commands: [
      {
        name: 'thongke',
        roles: rolesWith('stats'),
        usage: '/thongke [thời gian] [phuong=…] [linhvuc=…] [cap=…] [daibieu=…] [hop=…] [trangthai=…]',
        help: 'số liệu',
        run: stats,
      },
      {
        name: 'bieudo',
        roles: rolesWith('stats'),
        usage: '/bieudo [như /thongke]',
        help: 'biểu đồ theo lĩnh vực, cấp thẩm quyền và theo ngày',
        run: charts,
      },
      {
        name: 'cutri',
        roles: askers,
        usage: '/cutri',
        help: 'gửi ý kiến như cử tri',
        run: (turn) => {
          turn.conversation.data.voterMode = true;
          turn.reply(staffMsg.voterMode());
        },
      },
      {
        name: 'troly',
        roles: askers,
        usage: '/troly',
        help: 'quay lại trợ lý',
        run: (turn) => {
          delete turn.conversation.data.voterMode;
          turn.reply(staffMsg.assistantMode());
        },
      },
    ],
    notes: [{ roles: askers, text: 'Gõ câu hỏi bằng lời để trợ lý tra cứu số liệu' }],
    // Staff text outside any step is a question; a voter's text stays a petition.
    claims: {
      priority: QUESTION_PRIORITY,
      when: (turn) =>
        turn.conversation.state === 'idle' &&
        turn.event.kind === 'text' &&
        can(turn.role, 'assistant') &&
        !turn.conversation.data.voterMode,
    },
    onInput: onQuestion,
  };
}
