// What office staff do on a petition's page: correct its classification, forward it, record
// the agency's answer (with the answer document), resolve it, mark it a duplicate, reject
// it. Each is one transaction through the services the chat commands use (recordReview,
// changeStatus), so the history, the audit log and the voter's one answer notice are the same.
import type { Context } from 'hono';
import { CorrectionError } from '../classify/corrections.ts';
import { parseDateTime } from '../core/dates.ts';
import { staffMsg } from '../core/messages-staff.ts';
import { normalizeText } from '../core/text.ts';
import type { Tx } from '../db/client.ts';
import { transaction } from '../db/sql.ts';
import { documentHeader, splitAnswers } from '../followup/answers.ts';
import { documentText } from '../followup/extract.ts';
import type { Petition } from '../generated/prisma/client.ts';
import { normalizeTrackingCode } from '../intake/petitions.ts';
import { changeStatus, duplicateData, forwardedData, recordReview, type StatusKind } from '../staff/review.ts';
import { MAX_ANSWER_DOCUMENT_BYTES, storeAnswerDocument, type UploadedDocument } from './petition-files.ts';
import { requireRole } from './guard.ts';
import { PETITION_ROUTE, type ShowOptions } from './petition-view.ts';
import type { WebApp, WebDeps, WebEnv } from './types.ts';

type Form = Record<string, string | File>;
type Show = (c: Context<WebEnv>, deps: WebDeps, code: string, options?: ShowOptions) => Promise<Response>;

/** A form that cannot be acted on: the page is shown again with this message. */
class ActionError extends Error {}

interface ActionInput {
  deps: WebDeps;
  petition: Petition;
  form: Form;
  actor: string;
  now: Date;
}

/** What an action returns: the notice shown on the petition page afterwards. */
type Action = (input: ActionInput) => Promise<string>;

const ACTIONS: Record<string, Action> = {
  classify: correctClassification,
  forward,
  answer,
  resolve: (input) =>
    setStatus(input, 'resolved', async () => ({
      data: { resolvedAt: input.now },
      note: text(input.form, 'note') || null,
    })),
  duplicate: (input) => setStatus(input, 'duplicate', (tx, petition) => duplicateOf(tx, petition, input.form)),
  reject: (input) =>
    setStatus(input, 'rejected', async () => {
      const reason = text(input.form, 'reason');
      if (!reason) throw new ActionError('Xin ghi lý do không tiếp nhận.');
      return { data: { rejectReason: reason }, note: reason };
    }),
};

/** Registers POST /web/petitions/<code>/<action> for each action; `show` renders the page again on an error. */
export function registerPetitionActions(web: WebApp, deps: WebDeps, show: Show): void {
  for (const [name, run] of Object.entries(ACTIONS)) {
    web.post(`${PETITION_ROUTE}/${name}`, requireRole('admin', 'staff'), async (c) => {
      const user = c.get('user');
      const code = normalizeTrackingCode(c.req.param('code')!);
      const petition = await deps.db.petition.findUnique({ where: { trackingCode: code } });
      if (!petition) return show(c, deps, code);
      const form = (await c.req.parseBody()) as Form;
      let notice: string;
      try {
        notice = await run({ deps, petition, form, actor: user.actor, now: new Date() });
      } catch (error) {
        if (error instanceof ActionError || error instanceof CorrectionError) {
          return show(c, deps, code, { error: error.message, status: 422 });
        }
        throw error;
      }
      return c.redirect(`/web/petitions/${code}?notice=${encodeURIComponent(notice)}`, 303);
    });
  }
}

function text(form: Form, name: string, max = 3000): string {
  const value = form[name];
  return typeof value === 'string' ? normalizeText(value).slice(0, max) : '';
}

/** A date typed or picked in the form (the one parser of the app), or now when left empty. */
function dateOf(input: ActionInput, name: string, fallback: Date = input.now): Date {
  const typed = text(input.form, name, 40);
  if (!typed) return fallback;
  const date = parseDateTime(typed, input.deps.config.TZ);
  if (!date) throw new ActionError(staffMsg.badDate(typed));
  return date;
}

async function correctClassification({ deps, petition, form, actor }: ActionInput): Promise<string> {
  const authority = text(form, 'authority', 40);
  const field = text(form, 'field', 60);
  const agency = text(form, 'agency', 200) || null;
  if (!authority || !field) throw new ActionError('Xin chọn cấp thẩm quyền và lĩnh vực.');
  const changed = authority !== petition.authority || field !== petition.field || agency !== petition.agency;
  const reason = text(form, 'reason', 300);
  const decision = { petitionId: petition.id, authority, field, agency, changed, notPetition: false };
  await transaction(deps.db, (tx) =>
    recordReview(tx, decision, actor, {
      taxonomy: deps.config.TAXONOMY,
      reason: reason ? `cán bộ sửa: ${reason}` : `cán bộ ${changed ? 'sửa' : 'xác nhận'} trên bàn làm việc`,
    }),
  );
  return staffMsg.reviewSaved(petition.trackingCode);
}

interface StatusData {
  data: Record<string, unknown>;
  note: string | null;
}

/**
 * A status change in one transaction (changeStatus: fields, history, audit, the answer
 * queued for the voter once); the voter's chat is flushed once it has committed.
 */
async function setStatus(
  input: ActionInput,
  kind: StatusKind,
  build: (tx: Tx, petition: Petition) => Promise<StatusData>,
  alongside?: (tx: Tx, petition: Petition) => Promise<unknown>,
): Promise<string> {
  const { deps, actor, now } = input;
  const notified = await transaction(deps.db, async (tx) => {
    const petition = await tx.petition.findUniqueOrThrow({ where: { id: input.petition.id } });
    const { data, note } = await build(tx, petition);
    await alongside?.(tx, petition);
    return changeStatus(tx, petition, { kind, data, note, actor, now, timeZone: deps.config.TZ });
  });
  if (notified) void deps.outbox.flush(notified.channel, notified.chatId);
  return staffMsg.statusChanged(input.petition.trackingCode, kind, notified !== null);
}

async function forward(input: ActionInput): Promise<string> {
  const agency = text(input.form, 'agency', 200);
  if (!agency) throw new ActionError('Xin ghi tên cơ quan nhận kiến nghị.');
  const at = dateOf(input, 'date');
  return setStatus(input, 'forwarded', async () => ({
    data: forwardedData(agency, at, input.deps.config),
    note: agency,
  }));
}

async function duplicateOf(tx: Tx, petition: Petition, form: Form): Promise<StatusData> {
  const code = normalizeTrackingCode(text(form, 'of', 40));
  if (!code) throw new ActionError('Xin ghi mã kiến nghị trùng.');
  const other = await tx.petition.findUnique({ where: { trackingCode: code } });
  if (!other) throw new ActionError(staffMsg.petitionUnknown(code));
  if (other.id === petition.id) throw new ActionError(staffMsg.duplicateSelf());
  return duplicateData(petition, other);
}

/**
 * The agency's answer: text, document number and date as typed; what is left empty is read
 * from the uploaded document where it says it (its "Số:" and date, the answer quoting this
 * petition's code), and the document is kept with the petition.
 */
async function answer(input: ActionInput): Promise<string> {
  const document = await uploadedDocument(input.form);
  let answerText = text(input.form, 'text');
  let ref = text(input.form, 'ref', 100);
  let date: Date | undefined = text(input.form, 'date', 40) ? dateOf(input, 'date') : undefined;
  if (document && (!answerText || !ref || !date)) {
    const read = await readAnswerDocument(document, input.petition.trackingCode, input.deps.config.TZ);
    answerText ||= read.text ?? '';
    ref ||= read.number ?? '';
    date ??= read.date ?? undefined;
  }
  if (!answerText && !ref) throw new ActionError('Xin ghi nội dung trả lời hoặc số văn bản trả lời.');
  const data = { answerText: answerText || null, answerRef: ref || null, answeredAt: date ?? input.now };
  return setStatus(
    input,
    'answered',
    async () => ({ data, note: ref || null }),
    document ? (tx, petition) => storeAnswerDocument(tx, petition.id, document) : undefined,
  );
}

async function uploadedDocument(form: Form): Promise<UploadedDocument | null> {
  const file = form.document;
  if (!(file instanceof File) || file.size === 0) return null;
  if (file.size > MAX_ANSWER_DOCUMENT_BYTES) {
    throw new ActionError(`Văn bản trả lời lớn quá ${MAX_ANSWER_DOCUMENT_BYTES / 1024 / 1024} MB.`);
  }
  return { name: file.name || 'tra-loi', data: Buffer.from(await file.arrayBuffer()) };
}

/** What the document says (.docx or a PDF with text); nothing from any other file. */
async function readAnswerDocument(
  document: UploadedDocument,
  code: string,
  timeZone: string,
): Promise<{ text: string | null; number: string | null; date: Date | null }> {
  let content: string;
  try {
    content = await documentText(document.name, document.data);
  } catch {
    return { text: null, number: null, date: null };
  }
  const answers = splitAnswers(content);
  const quoting = answers.find((item) => item.toUpperCase().includes(code));
  const chosen = quoting ?? (answers.length === 1 ? answers[0]! : null);
  return { text: chosen && normalizeText(chosen).slice(0, 3000), ...documentHeader(content, timeZone) };
}
