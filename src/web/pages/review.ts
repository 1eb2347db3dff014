// The review queue (/web/review): one petition at a time, oldest first, from the same queue
// as /duyet in chat (reviewQueueWhere), with what the classifiers propose, how many remain
// and keyboard shortcuts. Each decision is recorded as the chat records it (recordReview,
// recordNotPetition); "skip" changes nothing and keeps the ids put aside in the URL.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { CorrectionError } from '../../classify/corrections.ts';
import { taxonomyLabels, type Labels } from '../../classify/labels.ts';
import { classifyOffline } from '../../classify/learned.ts';
import { NOT_PETITION } from '../../classify/review.ts';
import { loadTaxonomy } from '../../classify/taxonomy.ts';
import { CLASSIFIER_LABELS, staffMsg } from '../../core/messages-staff.ts';
import { normalizeText } from '../../core/text.ts';
import { formatDateTime } from '../../core/time.ts';
import { transaction } from '../../db/sql.ts';
import type { Classification, Meeting, Petition } from '../../generated/prisma/client.ts';
import {
  recordNotPetition,
  recordReview,
  reviewQueueWhere,
  selectableLevels,
  type ReviewDecision,
} from '../../staff/review.ts';
import { csrfField, page, type Html } from '../layout.ts';
import type { WebApp, WebDeps, WebEnv } from '../types.ts';

/** At most this many ids put aside are kept in the URL. */
const MAX_SKIPPED = 200;
/** Keys that pick a level on the card (a taxonomy has fewer than ten levels). */
const LEVEL_KEYS = '123456789';

type Candidate = Petition & { meeting: Meeting | null; classifications: Classification[] };

/** A classification proposed for the petition on the card. */
interface Proposal {
  authority: string;
  field: string;
  agency: string | null;
  confidence: number;
  source: string;
  reason: string | null;
}

/** Registers GET and POST /web/review. */
export function registerReviewPage(web: WebApp, deps: WebDeps): void {
  web.get('/review', (c) => showQueue(c, deps, skippedOf(c.req.query('skip'))));
  web.post('/review', async (c) => {
    const form = await c.req.parseBody();
    const value = (name: string) => (typeof form[name] === 'string' ? normalizeText(form[name]) : '');
    const skipped = skippedOf(value('skip'));
    const id = Number(value('id'));
    const decision = value('action');
    const back = (notice?: string, extra: number[] = []) => c.redirect(reviewUrl([...skipped, ...extra], notice), 303);
    if (decision === 'skip' && Number.isInteger(id)) return back(undefined, [id]);
    const petition = Number.isInteger(id)
      ? await deps.db.petition.findFirst({ where: { AND: [{ id }, reviewQueueWhere([])] } })
      : null;
    // Someone else decided first (or the id is stale): the next card, nothing changed.
    if (!petition) return back('Kiến nghị này đã được rà soát.');
    try {
      return back(await decide(deps, c.get('user').actor, petition, decision, value));
    } catch (error) {
      if (error instanceof CorrectionError) return back(error.message);
      throw error;
    }
  });
}

/** Records one decision as /duyet does; returns the notice for the next card. */
async function decide(
  deps: WebDeps,
  actor: string,
  petition: Petition,
  decision: string,
  value: (name: string) => string,
): Promise<string> {
  const taxonomy = deps.config.TAXONOMY;
  const notPetition = petition.status === NOT_PETITION;
  const current: ReviewDecision = {
    petitionId: petition.id,
    authority: petition.authority,
    field: petition.field,
    agency: petition.agency,
    changed: false,
    notPetition,
  };
  const code = petition.trackingCode;
  switch (decision) {
    case 'accept':
      await transaction(deps.db, (tx) => recordReview(tx, current, actor, { taxonomy }));
      return notPetition ? staffMsg.reviewIsPetition(code) : staffMsg.reviewSaved(code);
    case 'correct': {
      const authority = value('authority') || petition.authority;
      const field = value('field') || petition.field;
      const agency = value('agency').slice(0, 200) || null;
      const changed = authority !== petition.authority || field !== petition.field || agency !== petition.agency;
      const corrected = { ...current, authority, field, agency, changed };
      await transaction(deps.db, (tx) => recordReview(tx, corrected, actor, { taxonomy }));
      return notPetition ? staffMsg.reviewIsPetition(code) : staffMsg.reviewSaved(code);
    }
    case 'notpetition':
      await transaction(deps.db, (tx) => recordNotPetition(tx, current, actor, { taxonomy }));
      return `Đã ghi nhận ${code} không phải kiến nghị: không tính vào thống kê, báo cáo và bản tin.`;
    default:
      return 'Xin chọn một việc trên thẻ kiến nghị.';
  }
}

/** The ids put aside, from `?skip=1,2,3`. */
function skippedOf(raw: string | undefined): number[] {
  const ids = (raw ?? '')
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((id) => Number.isInteger(id) && id > 0);
  return [...new Set(ids)].slice(-MAX_SKIPPED);
}

function reviewUrl(skipped: number[], notice?: string): string {
  const query = new URLSearchParams();
  if (skipped.length) query.set('skip', skipped.join(','));
  if (notice) query.set('notice', notice);
  const text = query.toString().replace(/%2C/g, ',');
  return text ? `/web/review?${text}` : '/web/review';
}

async function showQueue(c: Context<WebEnv>, deps: WebDeps, skipped: number[]): Promise<Response> {
  const where = reviewQueueWhere(skipped);
  const [next, remaining] = await Promise.all([
    deps.db.petition.findFirst({
      where,
      orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
      include: { meeting: true, classifications: { orderBy: { id: 'desc' } } },
    }),
    deps.db.petition.count({ where }),
  ]);
  const title = 'Rà soát phân loại';
  if (!next) {
    return page(c, {
      title,
      section: 'review',
      body: html`<div class="card review-empty">
        <p><b>Không còn kiến nghị cần rà soát.</b></p>
        ${
          skipped.length
            ? html`<p>
                Ông/Bà đã để sau ${skipped.length} kiến nghị. <a href="/web/review">Xem lại các kiến nghị để sau</a>
              </p>`
            : html`<p><a href="/web/petitions">Về danh sách kiến nghị</a></p>`
        }
      </div>`,
    });
  }
  return page(c, { title, section: 'review', body: card(c, deps, next, remaining, skipped) });
}

function card(c: Context<WebEnv>, deps: WebDeps, petition: Candidate, remaining: number, skipped: number[]): Html {
  const labels = taxonomyLabels(deps.config.TAXONOMY);
  const tz = deps.config.TZ;
  const notPetition = petition.status === NOT_PETITION;
  const latest = petition.classifications[0];
  const current: Proposal = {
    authority: petition.authority ?? '',
    field: petition.field ?? '',
    agency: petition.agency,
    confidence: latest?.confidence ?? 0,
    source: latest ? (CLASSIFIER_LABELS[latest.classifier] ?? latest.classifier) : 'chưa phân loại',
    reason: latest?.reason ?? null,
  };
  const proposals = alternatives(deps, petition, current);
  const hidden = html`${csrfField(c)}<input type="hidden" name="id" value="${petition.id}" />
    <input type="hidden" name="skip" value="${skipped.join(',')}" />`;
  const levels = selectableLevels(labels, deps.config.TAXONOMY);
  return html`<p class="review-remaining">Còn <b>${remaining}</b> kiến nghị cần rà soát.</p>
    <article class="card review-card">
      <h2>
        <a href="/web/petitions/${petition.trackingCode}">${petition.trackingCode}</a>
        ${notPetition ? html`<span class="badge review">có thể không phải kiến nghị</span>` : ''}
      </h2>
      <p class="muted">
        Nhận lúc
        ${formatDateTime(petition.receivedAt, tz)}${
          petition.meeting
            ? html` · hội nghị
                <a href="/web/meetings/${petition.meeting.code}">${petition.meeting.code}</a> ${petition.meeting.title}`
            : ''
        }
      </p>
      <p class="petition-text">${petition.textNormalized || '(không có chữ)'}</p>
      <h3>Phân loại đề xuất</h3>
      ${proposalFacts(current, labels)}
      ${
        proposals.length
          ? html`<h3>Gợi ý sửa</h3>
              ${proposals.map(
                (proposal, index) =>
                  html`<form method="post" action="/web/review" class="review-proposal">
                    ${hidden}<input type="hidden" name="action" value="correct" />
                    <input type="hidden" name="authority" value="${proposal.authority}" />
                    <input type="hidden" name="field" value="${proposal.field}" />
                    <input type="hidden" name="agency" value="${proposal.agency ?? ''}" />
                    ${proposalFacts(proposal, labels)}
                    <button type="submit" class="secondary" ${index === 0 ? html`data-key="g"` : ''}>
                      Dùng gợi ý này${index === 0 ? html` <kbd>g</kbd>` : ''}
                    </button>
                  </form>`,
              )}`
          : ''
      }
    </article>
    <form method="post" action="/web/review" class="card review-decide">
      ${hidden}
      <div class="actions">
        <button type="submit" name="action" value="accept" data-key="a">
          ${notPetition ? 'Là kiến nghị, giữ phân loại' : 'Chấp nhận phân loại'} <kbd>a</kbd>
        </button>
        <button type="submit" name="action" value="notpetition" class="secondary" data-key="n">
          ${notPetition ? 'Đúng, không phải kiến nghị' : 'Không phải kiến nghị'} <kbd>n</kbd>
        </button>
        <button type="submit" name="action" value="skip" class="secondary" data-key="s">Để sau <kbd>s</kbd></button>
      </div>
      <h3>Sửa phân loại</h3>
      <fieldset class="review-levels">
        <legend>Cấp thẩm quyền</legend>
        ${levels.map(
          (level, index) =>
            html`<label ${LEVEL_KEYS[index] ? html`data-key="${LEVEL_KEYS[index]}"` : ''} class="choice">
              <input
                type="radio"
                name="authority"
                value="${level.id}"
                ${level.id === petition.authority ? 'checked' : ''}
              />
              ${LEVEL_KEYS[index] ? html`<kbd>${LEVEL_KEYS[index]}</kbd>` : ''} ${level.label}
            </label>`,
        )}
      </fieldset>
      <div class="actions">
        <label>
          <span>Lĩnh vực <kbd>f</kbd></span>
          <select name="field" data-key="f">
            ${labels.fields.map(
              (field) =>
                html`<option value="${field.id}" ${field.id === petition.field ? 'selected' : ''}>
                  ${field.label}
                </option>`,
            )}
          </select></label
        >
        <label>Cơ quan <input name="agency" value="${petition.agency ?? ''}" maxlength="200" /></label>
        <button type="submit" name="action" value="correct" data-key="c">
          ${notPetition ? 'Là kiến nghị, lưu phân loại đã sửa' : 'Lưu phân loại đã sửa'} <kbd>c</kbd>
        </button>
      </div>
      <p class="muted">Phím tắt: chọn cấp bằng số, <kbd>f</kbd> chọn lĩnh vực, rồi <kbd>c</kbd> để lưu.</p>
    </form>`;
}

function proposalFacts(proposal: Proposal, labels: Labels): Html {
  return html`<dl class="facts">
    <dt>Cấp thẩm quyền</dt>
    <dd>${labels.level(proposal.authority || null)}</dd>
    <dt>Lĩnh vực</dt>
    <dd>${labels.field(proposal.field || null)}</dd>
    <dt>Cơ quan</dt>
    <dd>${proposal.agency ?? '—'}</dd>
    <dt>Độ tin cậy</dt>
    <dd>${Math.round(proposal.confidence * 100)}% (${proposal.source})</dd>
    ${
      proposal.reason
        ? html`<dt>Lý do</dt>
            <dd>${proposal.reason}</dd>`
        : ''
    }
  </dl>`;
}

/**
 * Other classifications worth a click: the offline classifier's reading of the text now
 * (the correction it suggests where it disagrees), then earlier results in the history.
 */
function alternatives(deps: WebDeps, petition: Candidate, current: Proposal): Proposal[] {
  const taxonomy = loadTaxonomy(deps.config.TAXONOMY);
  const offline = classifyOffline(petition.textNormalized || petition.text, taxonomy, {
    meetingTitle: petition.meeting?.title,
    ward: petition.meeting?.ward ?? petition.ward ?? undefined,
  });
  const found: Proposal[] = [];
  const seen = new Set([`${current.authority}|${current.field}`]);
  const add = (proposal: Proposal) => {
    const key = `${proposal.authority}|${proposal.field}`;
    if (seen.has(key) || !taxonomy.levelIds.includes(proposal.authority)) return;
    if (!taxonomy.fieldIds.includes(proposal.field)) return;
    seen.add(key);
    found.push(proposal);
  };
  if (offline.isPetition) {
    add({ ...offline, source: CLASSIFIER_LABELS.rules!, reason: offline.reason });
  }
  for (const row of petition.classifications) {
    add({ ...row, source: CLASSIFIER_LABELS[row.classifier] ?? row.classifier, reason: row.reason });
  }
  return found;
}
