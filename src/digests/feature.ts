// Chat commands of the digests: /dangky and /huydangky for deputies (digest subscriptions),
// /baocao for office staff (the compiled report as a Word or Excel file in the chat).
import { frequencyChoiceLabels, reportMsg, subscriptionMsg } from '../core/messages-digest.ts';
import { answerKey } from '../core/text.ts';
import type { Choice, Feature, Turn } from '../core/types.ts';
import { CODE_PATTERN } from '../meetings/service.ts';
import { buildReport, REPORT_FORMATS, ReportError, type ReportFormat } from '../reports/index.ts';
import { parseIsoDay } from './calendar.ts';
import { FREQUENCIES, type Frequency } from './scheduler.ts';

export const FEATURE_NAME = 'digests';
const CHOOSING = `${FEATURE_NAME}.frequency`;

/** Folded words (and English ids) accepted for each frequency. */
const FREQUENCY_WORDS: Record<Frequency, string[]> = {
  daily: ['daily', 'hang ngay', 'moi ngay', 'ngay', 'hangngay'],
  weekly: ['weekly', 'hang tuan', 'moi tuan', 'tuan', 'hangtuan'],
  after_meeting: [
    'after meeting',
    'after_meeting',
    'sau moi hop',
    'sau hop',
    'sau moi cuoc hop',
    'sau cuoc hop',
    'sau hoi nghi',
    'sau moi hoi nghi',
    'sau tiep xuc',
    'sau moi lan tiep xuc',
  ],
};

export function parseFrequency(text: string): Frequency | null {
  const key = answerKey(text.replace(/_/g, ' '));
  if (!key) return null;
  return FREQUENCIES.find((f) => FREQUENCY_WORDS[f].some((word) => answerKey(word) === key)) ?? null;
}

const FREQUENCY_CHOICES: Choice[] = FREQUENCIES.map((f) => ({ id: `digest:${f}`, label: frequencyChoiceLabels[f] }));

/** The deputy this chat account is linked to (a staff account of role deputy, not revoked). */
async function linkedDeputyId(turn: Turn): Promise<number | null> {
  const member = await turn.tx.staffMember.findUnique({
    where: { channel_channelUserId: { channel: turn.event.channel, channelUserId: turn.event.userId } },
  });
  return member && !member.revokedAt ? member.deputyId : null;
}

async function subscribe(turn: Turn, deputyId: number, frequency: Frequency): Promise<void> {
  const { channel, chatId } = turn.event;
  // One subscription per deputy and chat: choosing again replaces the frequency.
  await turn.tx.digestSubscription.updateMany({
    where: { deputyId, channel, cancelledAt: null },
    data: { cancelledAt: turn.now },
  });
  await turn.tx.digestSubscription.create({ data: { deputyId, channel, chatId, frequency, createdAt: turn.now } });
  turn.conversation.state = 'idle';
  turn.reply(subscriptionMsg.subscribed(frequency));
}

async function dangky(turn: Turn, args: string): Promise<void> {
  const deputyId = await linkedDeputyId(turn);
  if (deputyId === null) return turn.reply(subscriptionMsg.notDeputy());
  if (!args.trim()) {
    turn.conversation.state = CHOOSING;
    return turn.reply({ text: subscriptionMsg.askFrequency(), choices: FREQUENCY_CHOICES });
  }
  const frequency = parseFrequency(args);
  if (!frequency) return turn.reply(subscriptionMsg.unknownFrequency());
  await subscribe(turn, deputyId, frequency);
}

async function huydangky(turn: Turn): Promise<void> {
  const deputyId = await linkedDeputyId(turn);
  if (deputyId === null) return turn.reply(subscriptionMsg.notDeputy());
  const cancelled = await turn.tx.digestSubscription.updateMany({
    where: { deputyId, channel: turn.event.channel, cancelledAt: null },
    data: { cancelledAt: turn.now },
  });
  turn.reply(cancelled.count ? subscriptionMsg.unsubscribed() : subscriptionMsg.notSubscribed());
}

async function onInput(turn: Turn): Promise<void> {
  const { event } = turn;
  const deputyId = await linkedDeputyId(turn);
  const frequency =
    event.kind === 'choice'
      ? parseFrequency(event.choiceId.replace(/^digest:/, ''))
      : event.kind === 'text'
        ? parseFrequency(event.text)
        : null;
  turn.conversation.state = 'idle';
  if (deputyId === null) return turn.reply(subscriptionMsg.notDeputy());
  if (!frequency) return turn.reply(subscriptionMsg.unknownFrequency());
  await subscribe(turn, deputyId, frequency);
}

export interface ReportArgs {
  from: string;
  to: string;
  format: ReportFormat;
  meetingCode?: string;
}

/** "/baocao 01/11/2026 30/11/2026 xlsx HN-01": two dates, then a format and a meeting code in any order. */
export function parseReportArgs(args: string): ReportArgs | null {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const days = words.map(parseIsoDay);
  if (words.length < 2 || !days[0] || !days[1]) return null;
  let format: ReportFormat = 'docx';
  let meetingCode: string | undefined;
  for (const word of words.slice(2)) {
    const lower = word.toLowerCase().replace(/^\./, '');
    if ((REPORT_FORMATS as readonly string[]).includes(lower)) format = lower as ReportFormat;
    else if (lower === 'word') format = 'docx';
    else if (lower === 'excel') format = 'xlsx';
    else if (CODE_PATTERN.test(word) && !meetingCode) meetingCode = word;
    else return null;
  }
  return { from: days[0], to: days[1], format, meetingCode };
}

async function baocao(turn: Turn, args: string): Promise<void> {
  const parsed = parseReportArgs(args);
  if (!parsed) return turn.reply(reportMsg.usage());
  if (parsed.from > parsed.to) return turn.reply(reportMsg.badRange());
  try {
    const report = await buildReport(turn.tx, turn.config, parsed, turn.now);
    turn.reply({
      text: reportMsg.caption(parsed.from, parsed.to, report.petitions),
      file: { name: report.fileName, base64: report.buffer.toString('base64'), kind: 'document' },
    });
  } catch (error) {
    if (error instanceof ReportError) return turn.reply(reportMsg.meetingNotFound(parsed.meetingCode ?? ''));
    throw error;
  }
}

/** Subscriptions for deputies, the compiled report for office staff. */
export function digestFeature(): Feature {
  const deputies = { roles: ['deputy'] as const, refusal: subscriptionMsg.notDeputy };
  return {
    name: FEATURE_NAME,
    commands: [
      {
        name: 'dangky',
        ...deputies,
        usage: '/dangky [hằng ngày|hằng tuần|sau mỗi hội nghị]',
        help: 'nhận bản tin',
        run: dangky,
      },
      { name: 'huydangky', ...deputies, usage: '/huydangky', help: 'dừng nhận bản tin', run: huydangky },
      {
        name: 'baocao',
        roles: ['admin', 'staff'],
        refusal: reportMsg.staffOnly,
        usage: '/baocao <từ ngày> <đến ngày> [docx|xlsx] [mã hội nghị]',
        help: 'báo cáo tổng hợp (Word, Excel)',
        run: baocao,
      },
    ],
    onInput,
  };
}
