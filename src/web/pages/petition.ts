// One petition's page (/web/petitions/<tracking code>): the text exactly as sent, its facts,
// files, classification and status histories and audit entries; for office staff the forms
// that act on it (src/web/petition-actions.ts), and its files at /web/attachments/<id>.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { taxonomyLabels, type Labels } from '../../classify/labels.ts';
import type { TaxonomyName } from '../../classify/taxonomy.ts';
import { STATUS_LABELS } from '../../core/messages.ts';
import { actorLabel, channelLabel, CLASSIFIER_LABELS } from '../../core/messages-staff.ts';
import { formatDate, formatDateTime } from '../../core/time.ts';
import type { Attachment } from '../../generated/prisma/client.ts';
import { selectableLevels } from '../../staff/review.ts';
import { requireRole } from '../guard.ts';
import { csrfField, page, type Html } from '../layout.ts';
import { registerPetitionActions } from '../petition-actions.ts';
import { ANSWER_DOCUMENT, fileHeaders, FileUnavailable, loadAttachment, storedName } from '../petition-files.ts';
import {
  loadPetitionView,
  PETITION_ROUTE,
  type PetitionView,
  type Sender,
  type ShowOptions,
} from '../petition-view.ts';
import type { WebApp, WebDeps, WebEnv } from '../types.ts';

const AUDIT_VALUE_CHARS = 300;
/** A date as JSON.stringify writes it, shown in the office's zone. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Registers the petition page, its actions and the attachment route. */
export function registerPetitionPages(web: WebApp, deps: WebDeps): void {
  web.get(PETITION_ROUTE, (c) => showPetition(c, deps, c.req.param('code')));
  registerPetitionActions(web, deps, showPetition);
  // Voters' photos and voices are personal data: office staff only.
  web.get('/attachments/:id{[0-9]+}', requireRole('admin', 'staff'), async (c) => {
    const attachment = await deps.db.attachment.findUnique({
      where: { id: Number(c.req.param('id')) },
      include: { petition: { select: { channel: true } } },
    });
    if (!attachment) return c.text('Không có tệp này.', 404);
    try {
      const file = await loadAttachment(deps, attachment, attachment.petition.channel);
      return c.body(new Uint8Array(file.data), 200, fileHeaders(file));
    } catch (error) {
      if (!(error instanceof FileUnavailable)) throw error;
      deps.log.warn({ attachmentId: attachment.id, status: error.status }, 'attachment not served');
      return c.text(error.message, error.status);
    }
  });
}

/** Renders the petition page (also with an action's error, keeping the page in place). */
export async function showPetition(
  c: Context<WebEnv>,
  deps: WebDeps,
  code: string,
  options: ShowOptions = {},
): Promise<Response> {
  const view = await loadPetitionView(deps.db, c.get('user'), code);
  if (!view) {
    return page(c, {
      title: 'Không tìm thấy kiến nghị',
      section: 'petitions',
      status: 404,
      body: html`<p>
          Không có kiến nghị mã <b>${code.toUpperCase()}</b> (hoặc kiến nghị nằm ngoài phạm vi của Ông/Bà).
        </p>
        <p><a href="/web/petitions">Về danh sách kiến nghị</a></p>`,
    });
  }
  const labels = taxonomyLabels(deps.config.TAXONOMY);
  const tz = deps.config.TZ;
  const body = html`${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
    <div class="grid petition-page">${contentCard(view)} ${factsCard(view, labels, tz)}</div>
    ${view.canAct ? actionsCard(c, view, labels, deps.config.TAXONOMY) : ''} ${classificationsCard(view, labels, tz)}
    ${eventsCard(view, tz)} ${view.canAct ? auditCard(view, tz) : ''}`;
  return page(c, {
    title: `Kiến nghị ${view.petition.trackingCode}`,
    section: 'petitions',
    body,
    status: options.status ?? 200,
  });
}

function contentCard(view: PetitionView): Html {
  return html`<section class="card">
    <h2>Nội dung${view.canAct ? ' (nguyên văn)' : ' (đã che thông tin cá nhân)'}</h2>
    ${view.text ? html`<p class="petition-text">${view.text}</p>` : html`<p class="muted">(không có chữ)</p>`}
    ${
      view.normalized !== null
        ? html`<details>
            <summary>Bản đã chuẩn hoá</summary>
            <p class="petition-text normalized">${view.normalized}</p>
          </details>`
        : ''
    }
    ${attachmentsBlock(view)}
  </section>`;
}

const KIND_LABELS: Record<string, string> = {
  photo: 'Ảnh',
  voice: 'Ghi âm',
  document: 'Tệp',
  [ANSWER_DOCUMENT]: 'Văn bản trả lời',
};

function attachmentsBlock(view: PetitionView): Html {
  if (view.attachments.length === 0) return html``;
  if (!view.canAct) {
    return html`<p class="muted">
      ${view.attachments.length} tệp đính kèm (chỉ cán bộ văn phòng xem được, vì có thể chứa thông tin cá nhân).
    </p>`;
  }
  return html`<h3>Tệp đính kèm</h3>
    <ul class="attachments">
      ${view.attachments.map((attachment) => html`<li>${attachmentItem(attachment)}</li>`)}
    </ul>`;
}

function attachmentItem(attachment: Attachment): Html {
  const url = `/web/attachments/${attachment.id}`;
  const label = KIND_LABELS[attachment.kind] ?? attachment.kind;
  const read = attachment.readText
    ? html`<p class="muted">Nội dung đọc được: <span class="petition-text">${attachment.readText}</span></p>`
    : '';
  if (attachment.kind === 'photo') {
    return html`<figure>
      <a href="${url}"><img src="${url}" alt="${label} đính kèm" loading="lazy" /></a>
      ${read}
    </figure>`;
  }
  if (attachment.kind === 'voice') {
    return html`<div>
      <audio controls preload="none" src="${url}"></audio>
      <a href="${url}" download>Tải bản ghi âm</a> ${read}
    </div>`;
  }
  return html`<a href="${url}" download>${label}: ${storedName(attachment) ?? `tệp ${attachment.id}`}</a>`;
}

function factsCard(view: PetitionView, labels: Labels, tz: string): Html {
  const p = view.petition;
  const when = (date: Date | null) => (date ? formatDateTime(date, tz) : null);
  const day = (date: Date | null) => (date ? formatDate(date, tz) : null);
  const confidence = view.classifications.at(-1)?.confidence;
  const facts: [string, Html | string | null][] = [
    ['Mã theo dõi', p.trackingCode],
    ['Nhận lúc', when(p.receivedAt)],
    ['Kênh', channelLabel(p.channel)],
    [
      'Hội nghị',
      view.meeting
        ? html`<a href="/web/meetings/${view.meeting.code}">${view.meeting.code}</a> ${view.meeting.title}`
        : null,
    ],
    ['Người gửi', senderLabel(view.sender)],
    ['Phường/xã', p.ward],
    ['Trạng thái', STATUS_LABELS[p.status] ?? p.status],
    ['Cấp thẩm quyền', labels.level(p.authority)],
    ['Lĩnh vực', labels.field(p.field)],
    ['Cơ quan', p.agency],
    ['Tóm tắt', view.redact(p.summary)],
    ['Độ tin cậy', confidence === undefined ? null : `${Math.round(confidence * 100)}%`],
    ['Cần rà soát', p.needsReview ? html`<span class="badge review">cần rà soát</span>` : 'không'],
    ['Số cử tri nêu', p.voters > 1 ? String(p.voters) : null],
    ['Nguồn', view.canAct && p.sourceFile ? `${p.sourceFile}${p.sourcePosition ? `, ${p.sourcePosition}` : ''}` : null],
    ['Đã chuyển đến', p.forwardedTo],
    ['Ngày chuyển', day(p.forwardedAt)],
    ['Số công văn chuyển', p.forwardRef],
    ['Hạn trả lời', day(p.answerDueAt)],
    ['Trả lời', view.redact(p.answerText)],
    ['Số văn bản trả lời', p.answerRef],
    ['Ngày trả lời', day(p.answeredAt)],
    ['Đã báo cử tri', when(p.answerNotifiedAt)],
    ['Giải quyết xong', day(p.resolvedAt)],
    ['Trùng với', view.duplicateOf ? html`<a href="/web/petitions/${view.duplicateOf}">${view.duplicateOf}</a>` : null],
    ['Lý do không tiếp nhận', view.redact(p.rejectReason)],
  ];
  return html`<section class="card">
    <h2>Thông tin</h2>
    <dl class="facts">
      ${facts
        .filter(([, value]) => value !== null && value !== '')
        .map(
          ([name, value]) =>
            html`<dt>${name}</dt>
              <dd>${value}</dd>`,
        )}
    </dl>
  </section>`;
}

function senderLabel(sender: Sender): Html | string | null {
  switch (sender.kind) {
    case 'anonymous':
      return 'ẩn danh';
    case 'hidden':
      return null;
    case 'unknown':
      return html`<span class="muted">không có thông tin (cử tri không đồng ý lưu hoặc đã xoá dữ liệu)</span>`;
    case 'voter':
      return html`<span class="voter"
        >${[sender.name ?? 'không nêu tên', sender.ward, sender.phone].filter(Boolean).join(', ')}</span
      >`;
    case 'speaker':
      return html`<span class="voter">${[sender.name, sender.area].filter(Boolean).join(', ')}</span>
        <span class="muted">(theo biên bản)</span>`;
  }
}

function actionsCard(c: Context<WebEnv>, view: PetitionView, labels: Labels, taxonomy: TaxonomyName): Html {
  const p = view.petition;
  const action = (name: string) => `/web/petitions/${p.trackingCode}/${name}`;
  const levels = selectableLevels(labels, taxonomy);
  return html`<section class="card petition-actions">
    <h2>Xử lý</h2>
    <div class="grid">
      <form method="post" action="${action('classify')}">
        ${csrfField(c)}
        <h3>Sửa phân loại</h3>
        <label
          >Cấp thẩm quyền
          <select name="authority" required>
            ${levels.map(
              (level) =>
                html`<option value="${level.id}" ${level.id === p.authority ? 'selected' : ''}>${level.label}</option>`,
            )}
          </select></label
        >
        <label
          >Lĩnh vực
          <select name="field" required>
            ${labels.fields.map(
              (field) =>
                html`<option value="${field.id}" ${field.id === p.field ? 'selected' : ''}>${field.label}</option>`,
            )}
          </select></label
        >
        <label>Cơ quan giải quyết <input name="agency" value="${p.agency ?? ''}" maxlength="200" /></label>
        <label>Lý do sửa (không bắt buộc) <input name="reason" maxlength="300" /></label>
        <button type="submit">Lưu phân loại</button>
      </form>
      <form method="post" action="${action('forward')}">
        ${csrfField(c)}
        <h3>Chuyển cơ quan có thẩm quyền</h3>
        <label
          >Cơ quan <input name="agency" value="${p.forwardedTo ?? p.agency ?? ''}" required maxlength="200"
        /></label>
        <label>Ngày chuyển (để trống: hôm nay) <input type="date" name="date" /></label>
        <button type="submit">Ghi đã chuyển</button>
      </form>
      <form method="post" action="${action('answer')}" enctype="multipart/form-data">
        ${csrfField(c)}
        <h3>Ghi trả lời của cơ quan</h3>
        <label>Nội dung trả lời <textarea name="text" maxlength="3000">${p.answerText ?? ''}</textarea></label>
        <label>Số văn bản <input name="ref" value="${p.answerRef ?? ''}" maxlength="100" /></label>
        <label>Ngày văn bản (để trống: hôm nay) <input type="date" name="date" /></label>
        <label>Văn bản trả lời (.docx, .pdf; không bắt buộc) <input type="file" name="document" /></label>
        <button type="submit">Ghi trả lời</button>
        <p class="muted">
          ${
            p.answerNotifiedAt
              ? 'Cử tri đã được báo trả lời; ghi lại không gửi thêm tin.'
              : 'Cử tri được báo một lần qua kênh đã gửi kiến nghị.'
          }
        </p>
      </form>
      <form method="post" action="${action('resolve')}">
        ${csrfField(c)}
        <h3>Đã giải quyết xong</h3>
        <label>Ghi chú (không bắt buộc) <input name="note" maxlength="300" /></label>
        <button type="submit">Ghi đã giải quyết</button>
      </form>
      <form method="post" action="${action('duplicate')}">
        ${csrfField(c)}
        <h3>Trùng với kiến nghị khác</h3>
        <label
          >Mã kiến nghị <input name="of" placeholder="KN-2026-000100" required pattern="[Kk][Nn]-[0-9]+-[0-9]+"
        /></label>
        <button type="submit">Ghi trùng</button>
      </form>
      <form method="post" action="${action('reject')}">
        ${csrfField(c)}
        <h3>Không tiếp nhận</h3>
        <label>Lý do <input name="reason" required maxlength="300" /></label>
        <button type="submit" class="secondary" data-confirm="Không tiếp nhận kiến nghị này?">Không tiếp nhận</button>
      </form>
    </div>
  </section>`;
}

function classificationsCard(view: PetitionView, labels: Labels, tz: string): Html {
  if (view.classifications.length === 0) return html``;
  return html`<section>
    <h2>Lịch sử phân loại</h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Lúc</th>
            <th>Người/cách phân loại</th>
            <th>Cấp</th>
            <th>Lĩnh vực</th>
            <th class="hide-narrow">Cơ quan</th>
            <th>Tin cậy</th>
            <th>Lý do</th>
          </tr>
        </thead>
        <tbody>
          ${view.classifications.map(
            (row) =>
              html`<tr>
                <td>${formatDateTime(row.createdAt, tz)}</td>
                <td>
                  ${CLASSIFIER_LABELS[row.classifier] ?? row.classifier}${row.model ? ` (${row.model})` : ''}
                  ${row.createdBy ? html`<br /><span class="muted">${actorLabel(row.createdBy)}</span>` : ''}
                </td>
                <td>${labels.level(row.authority)}</td>
                <td>${labels.field(row.field)}</td>
                <td class="hide-narrow">${row.agency ?? ''}</td>
                <td>${Math.round(row.confidence * 100)}%</td>
                <td>
                  ${row.isPetition ? '' : html`<span class="badge">không phải kiến nghị</span> `}${row.reason ?? ''}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

function eventsCard(view: PetitionView, tz: string): Html {
  return html`<section>
    <h2>Diễn biến</h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Lúc</th>
            <th>Trạng thái</th>
            <th>Ghi chú</th>
            ${view.canAct ? html`<th>Người thực hiện</th>` : ''}
          </tr>
        </thead>
        <tbody>
          ${view.events.map(
            (event) =>
              html`<tr>
                <td>${formatDateTime(event.createdAt, tz)}</td>
                <td>
                  ${event.fromStatus ? `${STATUS_LABELS[event.fromStatus] ?? event.fromStatus} → ` : ''}${
                    STATUS_LABELS[event.toStatus] ?? event.toStatus
                  }
                </td>
                <td>${event.note ?? ''}</td>
                ${view.canAct ? html`<td>${event.actor ? actorLabel(event.actor) : ''}</td>` : ''}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

function auditCard(view: PetitionView, tz: string): Html {
  if (view.audit.length === 0) return html``;
  const value = (json: string | null) => {
    const text = auditValue(json, tz);
    return text.length > AUDIT_VALUE_CHARS ? `${text.slice(0, AUDIT_VALUE_CHARS - 1)}…` : text;
  };
  return html`<section>
    <h2>Nhật ký thay đổi</h2>
    <div class="table-wrap">
      <table class="audit">
        <thead>
          <tr>
            <th>Lúc</th>
            <th>Người thực hiện</th>
            <th>Việc</th>
            <th class="hide-narrow">Trước</th>
            <th>Sau</th>
          </tr>
        </thead>
        <tbody>
          ${view.audit.map(
            (entry) =>
              html`<tr>
                <td>${formatDateTime(entry.createdAt, tz)}</td>
                <td>${actorLabel(entry.actor)}</td>
                <td>${entry.action}</td>
                <td class="hide-narrow"><code>${value(entry.before)}</code></td>
                <td><code>${value(entry.after)}</code></td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

/** An audit entry's before/after as "field: value" lines (the stored JSON as it is when it is not an object). */
function auditValue(json: string | null, tz: string): string {
  if (!json) return '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return json;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return json;
  return Object.entries(parsed)
    .map(([key, item]) => `${key}: ${auditItem(item, tz)}`)
    .join('\n');
}

function auditItem(item: unknown, tz: string): string {
  if (item === null || item === undefined) return '—';
  if (typeof item === 'string' && ISO_INSTANT.test(item)) return formatDateTime(new Date(item), tz);
  return typeof item === 'object' ? JSON.stringify(item) : String(item);
}
