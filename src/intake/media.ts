// Voice messages and photos of paper petitions read into text: the server fetches the file
// from the platform (never from a URL a voter chose), a durable job sends it to the office's
// speech-to-text or vision endpoint (an outage delays, never loses), and the voter confirms
// what was read, corrects it by typing, or keeps the file only. The text read becomes the
// petition's text and is classified like any text (the gateway redacts it on the way).
// Neither the file nor what was read is ever logged.
import type { Config } from '../config/index.ts';
import { addToOutbox } from '../core/outbox.ts';
import { normalizeText } from '../core/text.ts';
import type { Channel, Choice, Turn } from '../core/types.ts';
import type { Db, Tx } from '../db/client.ts';
import { transaction } from '../db/sql.ts';
import { CLASSIFY_JOB, enqueueClassification } from '../classify/jobs.ts';
import { enqueueJob, RetryLater, type ClaimedJob, type JobQueue } from '../jobs/queue.ts';
import { createModelGateway, LlmFailure, type ModelGateway } from '../llm/gateway.ts';
import { loadPrompt } from '../llm/prompts.ts';
import type { Logger } from '../log.ts';
import { searchKeyOf } from '../petitions/search-key.ts';
import { MAX_PETITION_CHARS } from './petitions.ts';

export const MEDIA_READ_JOB = 'media.read';
/** Stores a text read but never answered as the petition's text, once the voter had time to answer. */
export const MEDIA_SETTLE_JOB = 'media.settle';
/** How long the voter (or staff) has to confirm, correct or refuse what was read. */
export const REVIEW_TIMEOUT_MS = 30 * 60_000;
/** Attempts over about a day (backoff capped at 30 minutes): a long outage of the speech server. */
const MEDIA_READ_ATTEMPTS = 60;
/**
 * The longest voice message read: five minutes as Telegram reports it; Zalo reports no length,
 * so there the file's size stands for it (Opus, ~32 kbit/s).
 */
export const MAX_AUDIO_SECONDS = 300;
const AUDIO_BYTES_PER_SECOND = 4_000;
export const MAX_AUDIO_BYTES = MAX_AUDIO_SECONDS * AUDIO_BYTES_PER_SECOND;
/** Telegram's Bot API serves files up to 20 MB; a phone photo is far smaller. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** While the voter is in another step, the text read waits this long before it is offered again. */
const BUSY_RETRY_MS = 30_000;
export const REVIEW_STATE = 'intake.media';

/** A file as the platform served it. */
export interface FetchedFile {
  data: Buffer;
  fileName: string;
}

/** Downloads a platform file by its id (Telegram file_id, Zalo URL); refuses one over `maxBytes`. */
export type FileFetcher = (fileId: string, maxBytes: number) => Promise<FetchedFile>;

/** Thrown by a FileFetcher for a file over the size asked. */
export class FileTooLarge extends Error {}

interface ReadPayload {
  attachmentId: number;
  channel: Channel;
  userId: string;
  chatId: string;
}

/** Attachment states in which what was read is not the petition's yet (its classification waits). */
const UNSETTLED = ['reading', 'read'];

/** What the conversation keeps while the voter decides. */
interface Review {
  attachmentId: number;
  petitionId: number;
}

const reviewChoices = (kind: string): Choice[] => [
  { id: 'media:confirm', label: 'Đúng, gửi nội dung này' },
  { id: 'media:keep', label: kind === 'voice' ? 'Chỉ giữ bản ghi âm' : 'Chỉ giữ ảnh' },
];

/** What the voter reads in this flow (the office's voice: Ông/Bà, chúng tôi). */
export const mediaMsg = {
  reading: (kind: string) =>
    kind === 'voice'
      ? 'Chúng tôi đang chuyển lời nói thành văn bản và sẽ gửi lại để Ông/Bà xác nhận.'
      : 'Chúng tôi đang đọc nội dung trong ảnh và sẽ gửi lại để Ông/Bà xác nhận.',
  review: (code: string, kind: string, text: string) =>
    `${kind === 'voice' ? 'Nội dung lời nói' : 'Nội dung đọc được từ ảnh'} của kiến nghị ${code}:\n«${text}»\n` +
    'Nếu đúng, xin chọn xác nhận; nếu chưa đúng, xin gõ lại nội dung đã sửa.',
  confirmed: (code: string) => `Đã ghi nhận nội dung kiến nghị ${code}.`,
  corrected: (code: string) => `Đã ghi nhận nội dung đã sửa của kiến nghị ${code}.`,
  kept: (code: string, kind: string) =>
    `Kiến nghị ${code} được giữ ${kind === 'voice' ? 'bằng bản ghi âm' : 'bằng ảnh'}; cán bộ sẽ xem trực tiếp.`,
  tooLong: (code: string) =>
    `Bản ghi âm của kiến nghị ${code} dài quá ${MAX_AUDIO_SECONDS / 60} phút nên không chuyển thành văn bản được; ` +
    'chúng tôi vẫn lưu bản ghi âm để cán bộ nghe. Ông/Bà cũng có thể gõ nội dung.',
  nothingHeard: (code: string) =>
    `Chúng tôi chưa nghe rõ nội dung bản ghi âm của kiến nghị ${code}; bản ghi âm vẫn được lưu để cán bộ nghe.`,
  keptAsRead: (code: string, kind: string) =>
    `Kiến nghị ${code} được ghi nhận với nội dung ${kind === 'voice' ? 'chuyển từ lời nói' : 'đọc được từ ảnh'}.`,
  resend: () => 'Tin nhắn vừa rồi chưa được xử lý: xin gửi lại.',
  imageTooLarge: (code: string) =>
    `Ảnh của kiến nghị ${code} quá lớn nên không đọc được chữ; chúng tôi vẫn lưu ảnh để cán bộ xem.`,
};

/** Which kinds of file are read under these settings (the privacy notice names their servers). */
export function mediaReads(config: Pick<Config, 'OPENAI_STT_MODEL' | 'OPENAI_VISION_MODEL'>) {
  return { voice: readsMedia(config, 'voice'), photo: readsMedia(config, 'photo') };
}

/** Whether files of this kind are read into text under these settings. */
export function readsMedia(config: Pick<Config, 'OPENAI_STT_MODEL' | 'OPENAI_VISION_MODEL'>, kind: string): boolean {
  if (kind === 'voice') return Boolean(config.OPENAI_STT_MODEL);
  if (kind === 'photo') return Boolean(config.OPENAI_VISION_MODEL);
  return false;
}

/**
 * Marks the petition's voice and photo attachments for reading and enqueues the job, in the
 * turn's transaction; returns the note for the voter, or undefined when nothing is read.
 */
export async function queueMediaReading(
  turn: Turn,
  petitionId: number,
  queue: JobQueue | undefined,
): Promise<string | undefined> {
  const attachments = await turn.tx.attachment.findMany({ where: { petitionId }, orderBy: { id: 'asc' } });
  const readable = attachments.filter((a) => readsMedia(turn.config, a.kind));
  if (readable.length === 0) return undefined;
  const { channel, userId, chatId } = turn.event;
  // Classified once its text is known (confirmed, corrected, or the file kept as it is).
  await turn.tx.job.deleteMany({
    where: { type: CLASSIFY_JOB, status: 'pending', payload: JSON.stringify({ petitionId }) },
  });
  for (const attachment of readable) {
    await turn.tx.attachment.update({ where: { id: attachment.id }, data: { readStatus: 'reading' } });
    const payload: ReadPayload = { attachmentId: attachment.id, channel, userId, chatId };
    await enqueueJob(turn.tx, MEDIA_READ_JOB, payload, {
      maxAttempts: MEDIA_READ_ATTEMPTS,
      uniqueKey: `${MEDIA_READ_JOB}:${attachment.id}`,
    });
  }
  turn.afterCommit(() => queue?.kick(MEDIA_READ_JOB));
  return mediaMsg.reading(readable[0]!.kind);
}

export interface MediaDeps {
  db: Db;
  config: Config;
  log: Logger;
  queue: JobQueue;
  /** Each channel's file download. */
  fetchers: Partial<Record<Channel, FileFetcher>>;
  /** Delivers what was added to a chat's outbox. */
  flush(channel: Channel, chatId: string): Promise<void>;
}

/** Registers the jobs that read voice messages and photos and settle texts left unanswered. */
export function registerMediaJobs(deps: MediaDeps): void {
  const gateway = createModelGateway(deps.config, { db: deps.db, log: deps.log });
  deps.queue.register(MEDIA_READ_JOB, {
    batchSize: 1,
    concurrency: 2,
    async handle(jobs: ClaimedJob[]) {
      for (const job of jobs) await readAttachment(deps, gateway, job.payload as ReadPayload, job.attempts);
    },
  });
  deps.queue.register(MEDIA_SETTLE_JOB, {
    async handle(jobs: ClaimedJob[]) {
      for (const job of jobs) await settleAfterTimeout(deps, job.payload as ReadPayload);
    },
  });
}

/** The text a voice message says, or a photographed page's text (a photo of anything else reads as not_document). */
async function readFile(
  gateway: ModelGateway,
  kind: string,
  file: FetchedFile,
): Promise<{ status: 'read' | 'not_document'; text: string }> {
  if (kind === 'voice') {
    const text = normalizeText(await gateway.transcribe({ data: file.data, fileName: file.fileName }));
    return { status: 'read', text };
  }
  const read = await gateway.readImage(
    { data: file.data, mimeType: mimeOf(file.fileName) },
    loadPrompt('read-photo.v1.md').text,
  );
  return read.isDocument ? { status: 'read', text: normalizeText(read.text) } : { status: 'not_document', text: '' };
}

async function readAttachment(
  deps: MediaDeps,
  gateway: ModelGateway,
  payload: ReadPayload,
  attempts: number,
): Promise<void> {
  const { db } = deps;
  const attachment = await db.attachment.findUnique({
    where: { id: payload.attachmentId },
    include: { petition: true },
  });
  if (!attachment || !UNSETTLED.includes(attachment.readStatus ?? '')) return;
  const code = attachment.petition.trackingCode;
  const review = { attachmentId: attachment.id, petitionId: attachment.petitionId };
  const choices = reviewChoices(attachment.kind);
  if (attachment.readStatus === 'read' && attachment.readText) {
    return offerAndTell(deps, payload, review, choices, mediaMsg.review(code, attachment.kind, attachment.readText));
  }
  const fetcher = deps.fetchers[payload.channel];
  if (!fetcher) return void (await settle(db, attachment.id, 'media_only'));
  if (attachment.kind === 'voice' && (attachment.durationSeconds ?? 0) > MAX_AUDIO_SECONDS) {
    await settle(db, attachment.id, 'too_long');
    return tell(deps, payload, mediaMsg.tooLong(code));
  }
  const maxBytes = attachment.kind === 'voice' ? MAX_AUDIO_BYTES : MAX_IMAGE_BYTES;
  let read: { status: 'read' | 'not_document'; text: string };
  try {
    const file = await fetcher(attachment.fileId, maxBytes);
    await db.attachment.update({ where: { id: attachment.id }, data: { sizeBytes: file.data.length } });
    read = await readFile(gateway, attachment.kind, file);
  } catch (error) {
    if (error instanceof FileTooLarge) {
      await settle(db, attachment.id, 'too_long');
      return tell(deps, payload, attachment.kind === 'voice' ? mediaMsg.tooLong(code) : mediaMsg.imageTooLarge(code));
    }
    // An outage (or a platform that failed to serve the file): the job retries later, and after
    // its last try the petition goes on with the file only, so it is classified all the same.
    const kind = error instanceof LlmFailure ? error.kind : 'fetch';
    const last = attempts + 1 >= MEDIA_READ_ATTEMPTS;
    deps.log.warn({ attachmentId: attachment.id, kind, last }, 'reading a voice recording or photo failed');
    if (last) return void (await settle(db, attachment.id, 'media_only'));
    throw new Error(`media read failed (${kind})`, { cause: error });
  }
  if (read.status === 'not_document') return void (await settle(db, attachment.id, 'not_document'));
  if (!read.text) {
    await settle(db, attachment.id, 'media_only');
    return tell(deps, payload, mediaMsg.nothingHeard(code));
  }
  // Kept first, so that a voter busy in another step costs no second reading; left unanswered,
  // the text becomes the petition's after the review's time (the settle job).
  await transaction(db, async (tx) => {
    await tx.attachment.update({ where: { id: attachment.id }, data: { readText: read.text, readStatus: 'read' } });
    await enqueueJob(tx, MEDIA_SETTLE_JOB, payload, {
      runAt: new Date(Date.now() + REVIEW_TIMEOUT_MS),
      uniqueKey: `${MEDIA_SETTLE_JOB}:${attachment.id}`,
    });
  });
  await offerAndTell(deps, payload, review, choices, mediaMsg.review(code, attachment.kind, read.text));
}

async function offerAndTell(deps: MediaDeps, payload: ReadPayload, review: Review, choices: Choice[], text: string) {
  // The voter is in another step (consent, name): the text is offered once that step is over.
  if (!(await offerReview(deps.db, payload, review, choices))) {
    throw new RetryLater(BUSY_RETRY_MS, 'voter busy; offering the text read later');
  }
  await tell(deps, payload, text, choices);
}

/** Puts an idle conversation into the review step; false when the voter is in another step. */
async function offerReview(db: Db, payload: ReadPayload, review: Review, choices: Choice[]): Promise<boolean> {
  const conversation = await db.conversation.findUnique({
    where: { channel_channelUserId: { channel: payload.channel, channelUserId: payload.userId } },
  });
  if (!conversation) return true;
  const current = JSON.parse(conversation.data) as { mediaReview?: Review };
  if (conversation.state !== 'idle' && conversation.state !== REVIEW_STATE) return false;
  // Another file of the voter's waits for an answer: this one is offered once that one is answered.
  const other = current.mediaReview && current.mediaReview.attachmentId !== review.attachmentId;
  if (conversation.state === REVIEW_STATE && other) return false;
  const data = { ...current, mediaReview: review, choices };
  // Only if nobody changed the conversation meanwhile (a turn of the voter's).
  const updated = await db.conversation.updateMany({
    where: { id: conversation.id, updatedAt: conversation.updatedAt },
    data: { state: REVIEW_STATE, data: JSON.stringify(data) },
  });
  return updated.count === 1;
}

async function tell(deps: MediaDeps, payload: ReadPayload, text: string, choices?: Choice[]): Promise<void> {
  await addToOutbox(deps.db, payload.channel, payload.chatId, [{ text, ...(choices ? { choices } : {}) }]);
  await deps.flush(payload.channel, payload.chatId);
}

/**
 * Sets how the file's reading ended, if it was still unsettled (false when another turn or the
 * settle job came first); the petition, held back meanwhile, is classified once none of its
 * files waits any more.
 */
async function settle(db: Db | Tx, id: number, readStatus: string, text?: string): Promise<boolean> {
  const updated = await db.attachment.updateMany({
    where: { id, readStatus: { in: UNSETTLED } },
    data: { readStatus },
  });
  if (updated.count === 0) return false;
  const attachment = await db.attachment.findUniqueOrThrow({ where: { id }, include: { petition: true } });
  if (text !== undefined) {
    const joined = joinText(attachment.petition.text, text);
    await db.petition.update({
      where: { id: attachment.petitionId },
      data: { text: joined, textNormalized: normalizeText(joined), searchKey: searchKeyOf(joined), status: 'received' },
    });
  }
  const waiting = await db.attachment.count({
    where: { petitionId: attachment.petitionId, readStatus: { in: UNSETTLED } },
  });
  if (waiting === 0) await enqueueClassification(db, attachment.petitionId);
  return true;
}

/** What was read follows what the petition already says (a photo's caption), within one petition's length. */
function joinText(before: string, added: string): string {
  const joined = before.trim() ? `${before}\n${added}` : added;
  const chars = Array.from(joined);
  return chars.length > MAX_PETITION_CHARS ? chars.slice(0, MAX_PETITION_CHARS).join('') : joined;
}

/** The review the conversation holds, taken out of it (the step ends whatever the answer). */
function takeReview(turn: Turn): Review | undefined {
  const data = turn.conversation.data as { mediaReview?: Review };
  const review = data.mediaReview;
  delete data.mediaReview;
  turn.conversation.state = 'idle';
  return review;
}

/**
 * The voter's answer in the review step: confirm, keep the file only, or a typed correction.
 * Returns false for anything else, leaving the step as it is (see leaveMediaReview).
 */
export async function answerMediaReview(turn: Turn, queue: JobQueue | undefined): Promise<boolean> {
  const { event } = turn;
  const choice = event.kind === 'choice' ? event.choiceId : undefined;
  const typed = event.kind === 'text' && !event.text.startsWith('/') ? normalizeText(event.text) : '';
  const review = (turn.conversation.data as { mediaReview?: Review }).mediaReview;
  if (!review || (!typed && choice !== 'media:confirm' && choice !== 'media:keep')) return false;
  takeReview(turn);
  const attachment = await turn.tx.attachment.findUnique({
    where: { id: review.attachmentId },
    include: { petition: { select: { trackingCode: true } } },
  });
  if (!attachment) return false;
  const code = attachment.petition.trackingCode;
  if (choice === 'media:keep') {
    const kept = await settle(turn.tx, attachment.id, 'media_only');
    turn.reply(kept ? mediaMsg.kept(code, attachment.kind) : mediaMsg.keptAsRead(code, attachment.kind));
  } else {
    const text = typed || attachment.readText || '';
    const taken = await settle(turn.tx, attachment.id, typed ? 'corrected' : 'confirmed', text);
    if (!taken) turn.reply(mediaMsg.keptAsRead(code, attachment.kind));
    else turn.reply(typed ? mediaMsg.corrected(code) : mediaMsg.confirmed(code));
  }
  turn.afterCommit(() => queue?.kick(CLASSIFY_JOB));
  return true;
}

/**
 * The voter sent something else than an answer: what was read becomes the petition's text as
 * it is and the step ends. Returns the line that tells the voter so, to lead the next reply.
 */
export async function leaveMediaReview(turn: Turn, queue: JobQueue | undefined): Promise<string | undefined> {
  const review = takeReview(turn);
  if (!review) return undefined;
  const attachment = await turn.tx.attachment.findUnique({
    where: { id: review.attachmentId },
    include: { petition: { select: { trackingCode: true } } },
  });
  if (!attachment?.readText || !(await settle(turn.tx, attachment.id, 'unconfirmed', attachment.readText))) {
    return undefined;
  }
  turn.afterCommit(() => queue?.kick(CLASSIFY_JOB));
  return mediaMsg.keptAsRead(attachment.petition.trackingCode, attachment.kind);
}

/** The review's time is over: the text read is the petition's, and the voter's step ends quietly. */
async function settleAfterTimeout(deps: MediaDeps, payload: ReadPayload): Promise<void> {
  const { db } = deps;
  const attachment = await db.attachment.findUnique({ where: { id: payload.attachmentId } });
  if (attachment?.readStatus !== 'read' || !attachment.readText) return;
  const readText = attachment.readText;
  const settled = await transaction(db, async (tx) => {
    if (!(await settle(tx, attachment.id, 'unconfirmed', readText))) return false;
    await endOfferedReview(tx, payload);
    return true;
  });
  if (settled) deps.queue.kick(CLASSIFY_JOB);
}

/** Takes the conversation out of the review step of this file, if it is still in it and nobody changed it meanwhile. */
async function endOfferedReview(db: Tx, payload: ReadPayload): Promise<void> {
  const conversation = await db.conversation.findUnique({
    where: { channel_channelUserId: { channel: payload.channel, channelUserId: payload.userId } },
  });
  if (conversation?.state !== REVIEW_STATE) return;
  const {
    mediaReview,
    choices: _offered,
    ...data
  } = JSON.parse(conversation.data) as {
    mediaReview?: Review;
    choices?: Choice[];
  };
  if (mediaReview?.attachmentId !== payload.attachmentId) return;
  await db.conversation.updateMany({
    where: { id: conversation.id, updatedAt: conversation.updatedAt },
    data: { state: 'idle', data: JSON.stringify(data) },
  });
}

function mimeOf(fileName: string): string {
  const extension = fileName.split('.').at(-1)?.toLowerCase();
  if (extension === 'png') return 'image/png';
  if (extension === 'webp') return 'image/webp';
  return 'image/jpeg';
}
