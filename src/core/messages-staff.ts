// The staff assistant's sentences (roles, schedule, statistics, review, follow-up), kept
// beside the voter catalogue so handlers never write prose.
import { excerpt, STATUS_LABELS } from './messages.ts';
import { formatDate, formatDateTime } from './time.ts';

export const MEETING_STATUS_LABELS: Record<string, string> = {
  scheduled: 'Đã lên lịch',
  open: 'Đang nhận ý kiến',
  closed: 'Đã kết thúc',
  cancelled: 'Đã hủy',
};

export const ROLE_LABELS: Record<string, string> = {
  admin: 'quản trị',
  staff: 'cán bộ Văn phòng',
  deputy: 'đại biểu',
  voter: 'cử tri',
};

/** Channels as people read them. */
export const CHANNEL_LABELS: Record<string, string> = {
  telegram: 'Telegram',
  zalo: 'Zalo',
  local: 'thử trên máy',
  meeting: 'biên bản, danh sách hội nghị',
};

/** A channel as people read it; `minutes` (the petitions table's filter) names the meeting's channel. */
export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel === 'minutes' ? 'meeting' : channel] ?? channel;
}

/** Who classified a petition. */
export const CLASSIFIER_LABELS: Record<string, string> = {
  llm: 'phân loại tự động (mô hình ngôn ngữ)',
  rules: 'phân loại tự động (quy tắc)',
  staff: 'cán bộ',
};

/** An event's actor as recorded ("telegram:voter", "zalo:123 (staff)", "classifier", "system") in words. */
export function actorLabel(actor: string): string {
  if (actor === 'classifier') return 'phân loại tự động';
  if (actor === 'system') return 'hệ thống';
  const voter = /^(\w+):voter$/.exec(actor);
  if (voter) return `cử tri (${CHANNEL_LABELS[voter[1]!] ?? voter[1]})`;
  const staff = /^(\w+):(\S+) \((\w+)\)$/.exec(actor);
  if (staff) return `${ROLE_LABELS[staff[3]!] ?? staff[3]} (${CHANNEL_LABELS[staff[1]!] ?? staff[1]} ${staff[2]})`;
  return actor;
}

/** A classifier's event note ("llm: Cấp xã/Môi trường") with the classifier named in words. */
function eventNote(note: string): string {
  const match = /^(llm|rules|staff): (.*)$/s.exec(note);
  return match ? `${CLASSIFIER_LABELS[match[1]!]}: ${match[2]}` : note;
}

export const reviewLabels = {
  confirm: 'Xác nhận',
  level: 'Sửa cấp thẩm quyền',
  field: 'Sửa lĩnh vực',
  agency: 'Sửa cơ quan',
  skip: 'Để sau',
  stop: 'Dừng rà soát',
  back: 'Quay lại',
  isPetition: 'Là kiến nghị',
  notPetition: 'Không phải kiến nghị',
} as const;

export interface ScheduleItem {
  code: string;
  title: string;
  startsAt: Date;
  endsAt: Date | null;
  place: string;
  ward: string | null;
  status: string;
  deputies: string[];
}

export interface ReviewCard {
  trackingCode: string;
  text: string;
  meeting: string | null;
  authority: string;
  field: string;
  agency: string | null;
  confidence: number | null;
  reason: string | null;
  remaining: number;
  changed: boolean;
  /** Marked not a petition by the classifier: staff confirm it either way. */
  notPetition: boolean;
}

export interface HistoryView {
  trackingCode: string;
  status: string;
  receivedAt: Date;
  text: string;
  meeting: string | null;
  sender: string;
  authority: string;
  field: string;
  agency: string | null;
  forwardedTo: string | null;
  forwardedAt: Date | null;
  answerText: string | null;
  answerRef: string | null;
  answeredAt: Date | null;
  answerNotifiedAt: Date | null;
  rejectReason: string | null;
  duplicateOf: string | null;
  events: { at: Date; from: string | null; to: string; note: string | null; actor: string | null }[];
  classifications: { at: Date; classifier: string; authority: string; field: string; confidence: number }[];
}

const statusLabel = (status: string) => STATUS_LABELS[status] ?? status;

function meetingLine(item: ScheduleItem, timeZone: string): string {
  const place = item.ward ? `${item.place}, ${item.ward}` : item.place;
  const until = item.endsAt ? `–${formatDateTime(item.endsAt, timeZone).slice(0, 5)}` : '';
  return [
    `• ${formatDateTime(item.startsAt, timeZone)}${until} — ${item.title} [${item.code}]`,
    `  Địa điểm: ${place}`,
    item.deputies.length ? `  Đại biểu: ${item.deputies.join(', ')}` : null,
    `  Tình trạng: ${MEETING_STATUS_LABELS[item.status] ?? item.status}`,
  ]
    .filter(Boolean)
    .join('\n');
}

function countLines(rows: { label: string; count: number }[], total: number): string {
  return rows
    .map(
      (row) =>
        `  • ${row.label}: ${row.count.toLocaleString('vi-VN')}${total ? ` (${Math.round((row.count * 100) / total)}%)` : ''}`,
    )
    .join('\n');
}

export const staffMsg = {
  notAllowed: () =>
    'Xin lỗi, lệnh này chỉ dành cho cán bộ Văn phòng Đoàn ĐBQH và HĐND. Gõ /trogiup để xem các lệnh dành cho cử tri.',

  // Roles and invites
  inviteUsage: () => 'Cách dùng: /moi staff (mời cán bộ) hoặc /moi deputy <họ tên đại biểu> (mời đại biểu).',
  inviteCreated: (
    code: string,
    role: string,
    deputy: string | null,
    expiresAt: Date,
    timeZone: string,
    newDeputy: boolean,
  ) =>
    [
      `Mã mời ${ROLE_LABELS[role] ?? role}${deputy ? ` (${deputy})` : ''}: ${code}`,
      newDeputy ? `Đã thêm đại biểu mới "${deputy}" vào danh sách.` : null,
      `Người được mời gửi mã này cho bot (hoặc /thamgia ${code}) trước ${formatDateTime(expiresAt, timeZone)}. Mã chỉ dùng được một lần.`,
    ]
      .filter(Boolean)
      .join('\n'),
  deputyAmbiguous: (names: string[]) => `Có nhiều đại biểu trùng tên: ${names.join('; ')}. Xin ghi đầy đủ họ tên.`,
  joined: (role: string, deputy: string | null) =>
    `Chào mừng! Tài khoản này đã được cấp vai trò ${ROLE_LABELS[role] ?? role}${deputy ? ` (${deputy})` : ''}. Gõ /canbo để xem các lệnh.`,
  inviteInvalid: () => 'Mã mời không đúng, đã được dùng hoặc đã hết hạn. Xin đề nghị Văn phòng cấp mã mới.',
  alreadyAdmin: () => 'Tài khoản này đã là quản trị viên (cấu hình ADMIN_*), không cần mã mời.',
  revokeUsage: () => 'Cách dùng: /thuhoi <số thứ tự trong /nhanvien> hoặc /thuhoi <mã mời chưa dùng>.',
  revoked: (who: string) => `Đã thu hồi quyền của ${who}. Từ tin nhắn tiếp theo tài khoản này là cử tri.`,
  inviteRevoked: (code: string) => `Đã hủy mã mời ${code}.`,
  revokeNotFound: (target: string) => `Không tìm thấy cán bộ hoặc mã mời "${target}" còn hiệu lực.`,
  staffList: (
    rows: { id: number; role: string; account: string; deputy: string | null; since: Date }[],
    timeZone: string,
  ) =>
    rows.length
      ? 'Cán bộ, đại biểu đang có quyền:\n' +
        rows
          .map(
            (r) =>
              `#${r.id} ${ROLE_LABELS[r.role] ?? r.role}${r.deputy ? ` (${r.deputy})` : ''} — ${r.account}, từ ${formatDate(r.since, timeZone)}`,
          )
          .join('\n')
      : 'Chưa có cán bộ, đại biểu nào được mời.',

  // Schedule
  schedule: (label: string, items: ScheduleItem[], timeZone: string) =>
    items.length
      ? `Lịch tiếp xúc cử tri ${label}:\n${items.map((item) => meetingLine(item, timeZone)).join('\n')}`
      : `Không có hội nghị tiếp xúc cử tri nào ${label}.`,
  createUsage: () =>
    'Cách dùng: /taohop MÃ | tiêu đề | 05/12/2026 08:00 | địa điểm | phường/xã | đại biểu 1; đại biểu 2\n' +
    '(phường và đại biểu không bắt buộc; thời gian theo giờ Việt Nam)',
  editUsage: () =>
    'Cách dùng: /suahop MÃ tieude=… gio=05/12/2026 09:00 ketthuc=… diadiem=… phuong=… daibieu=A; B loai=before_session',
  meetingSaved: (code: string, title: string, created: boolean) =>
    `${created ? 'Đã tạo' : 'Đã cập nhật'} hội nghị ${code}: ${title}. Mở nhận ý kiến bằng /mohop ${code}.`,
  meetingInvalid: (reason: string) => `Thông tin hội nghị chưa hợp lệ: ${reason}`,
  meetingExists: (code: string) => `Đã có hội nghị mã ${code}. Dùng /suahop ${code} để sửa.`,
  meetingUnknown: (code: string) => `Không có hội nghị mã ${code}. Gõ /lich để xem các hội nghị.`,
  meetingCodeUsage: (command: string) => `Cách dùng: /${command} MÃ-HỘI-NGHỊ`,
  meetingOpened: (code: string, title: string, link: string | null) =>
    `Đã mở nhận ý kiến hội nghị ${code}: ${title}.\n` +
    `In mã QR này để cử tri quét; cử tri dùng Zalo nhập mã ${code}.` +
    (link ? `\nLiên kết: ${link}` : ''),
  meetingStatusSet: (code: string, status: string) => `Hội nghị ${code}: ${MEETING_STATUS_LABELS[status] ?? status}.`,
  meetingStatusSame: (code: string, status: string) =>
    `Hội nghị ${code} đã ở trạng thái "${MEETING_STATUS_LABELS[status] ?? status}".`,
  meetingCancelledNoOpen: (code: string) => `Hội nghị ${code} đã bị hủy; tạo lại hoặc sửa trước khi mở.`,
  icsCaption: (count: number) => `Lịch ${count} hội nghị tiếp xúc cử tri (tệp .ics, mở bằng ứng dụng lịch).`,

  // Statistics
  statsUnknown: (items: string[]) =>
    `Chưa hiểu: ${items.map((item) => `"${item}"`).join(', ')}. Ví dụ: /thongke tuan nay phuong=Cau Giay linhvuc=moi truong`,
  stats: (
    heading: string[],
    s: {
      total: number;
      voters?: number;
      byStatus: { label: string; count: number }[];
      byAuthority: { label: string; count: number }[];
      byField: { label: string; count: number }[];
      topMeetings: { key: string; label: string; count: number }[];
    },
    problems: string[],
  ) =>
    [
      `Thống kê kiến nghị${heading.length ? ` — ${heading.join('; ')}` : ' — toàn bộ'}`,
      problems.length ? `(Không tìm thấy: ${problems.join('; ')})` : null,
      // A criterion that names nothing known gets no total: a zero would read as an answer.
      problems.length
        ? null
        : `Tổng số: ${s.total.toLocaleString('vi-VN')}` +
          (s.voters === undefined ? '' : ` kiến nghị, ${s.voters.toLocaleString('vi-VN')} lượt cử tri`),
      s.total && s.byStatus.length ? `Theo tình trạng:\n${countLines(s.byStatus, s.total)}` : null,
      s.total && s.byAuthority.length ? `Theo cấp thẩm quyền:\n${countLines(s.byAuthority, s.total)}` : null,
      s.total && s.byField.length ? `Theo lĩnh vực:\n${countLines(s.byField, s.total)}` : null,
      s.total && s.topMeetings.length
        ? `Hội nghị nhiều ý kiến nhất:\n${s.topMeetings.map((m) => `  • ${m.key} ${m.label}: ${m.count.toLocaleString('vi-VN')}`).join('\n')}`
        : null,
    ]
      .filter(Boolean)
      .join('\n'),
  chartField: (scope: string) => `Kiến nghị theo lĩnh vực — ${scope}`,
  chartLevel: (scope: string) => `Kiến nghị theo cấp thẩm quyền — ${scope}`,
  chartDaily: (scope: string) => `Số kiến nghị theo ngày — ${scope}`,
  chartsNone: (scope: string) => `Không có kiến nghị nào (${scope}) để vẽ biểu đồ.`,
  scopeAll: () => 'toàn bộ',

  // Free questions
  thinking: () => 'Đang tra cứu, xin chờ giây lát…',
  noLlm: (commands: string[]) =>
    'Trợ lý hỏi đáp chưa được cấu hình (thiếu OPENAI_API_KEY), nên chưa trả lời được câu hỏi tự do. ' +
    `Có thể dùng lệnh:\n${commands.map((c) => `• ${c}`).join('\n')}`,
  suggestSchedule: () => '/lich tuan nay hoặc /lich <phường hoặc họ tên đại biểu>',
  suggestStats: () => '/thongke tuan nay phuong=<phường> linhvuc=<lĩnh vực>',
  suggestCharts: () => '/bieudo thang nay',
  suggestPetition: () => '/kn <mã kiến nghị>',
  suggestReview: () => '/duyet',
  answerUnverified: (facts: string) =>
    `Trợ lý đưa ra số liệu không khớp với kết quả tra cứu nên không hiển thị câu trả lời đó. Kết quả tra cứu:\n${facts}`,
  answerNoData: () => 'Chưa tìm được số liệu để trả lời câu hỏi này. Xin hỏi cụ thể hơn, hoặc dùng /thongke, /lich.',
  answerFailed: () => 'Xin lỗi, trợ lý hỏi đáp đang gặp sự cố. Xin thử lại sau, hoặc dùng /thongke, /lich.',
  voterMode: () =>
    'Đã chuyển sang chế độ cử tri: tin nhắn gửi tiếp được ghi nhận như ý kiến cử tri. Gõ /troly để quay lại trợ lý.',
  assistantMode: () => 'Đã quay lại chế độ trợ lý: câu hỏi bằng lời sẽ được tra cứu số liệu.',

  // Review
  reviewEmpty: () => 'Không còn kiến nghị nào cần rà soát.',
  reviewCard: (c: ReviewCard) =>
    [
      `Rà soát ${c.trackingCode}${c.remaining > 1 ? ` (còn ${c.remaining} kiến nghị)` : ''}`,
      c.meeting ? `Hội nghị: ${c.meeting}` : null,
      `Nội dung: ${excerpt(c.text, 600)}`,
      `Cấp thẩm quyền: ${c.authority}`,
      `Lĩnh vực: ${c.field}`,
      `Cơ quan: ${c.agency ?? '—'}`,
      c.confidence !== null ? `Độ tin cậy: ${Math.round(c.confidence * 100)}%` : null,
      c.notPetition
        ? 'Hệ thống đánh giá đây không phải kiến nghị: chưa được tính vào thống kê, báo cáo và bản tin.'
        : null,
      c.reason ? `Lý do cần rà soát: ${c.reason}` : null,
      c.changed ? `Đã sửa, chọn "${c.notPetition ? reviewLabels.isPetition : reviewLabels.confirm}" để lưu.` : null,
    ]
      .filter(Boolean)
      .join('\n'),
  chooseLevel: () => 'Chọn cấp thẩm quyền giải quyết:',
  chooseField: () => 'Chọn lĩnh vực:',
  askAgency: () => 'Nhập tên cơ quan có thẩm quyền (ví dụ: UBND phường Cầu Giấy):',
  reviewSaved: (code: string) => `Đã lưu phân loại ${code}.`,
  reviewIsPetition: (code: string) =>
    `Đã xác nhận ${code} là kiến nghị: kiến nghị được tính vào thống kê, báo cáo và bản tin.`,
  reviewNotPetition: (code: string) =>
    `Đã ghi nhận ${code} không phải kiến nghị: không tính vào thống kê, báo cáo và bản tin (vẫn xem được bằng /kn).`,
  reviewStopped: () => 'Đã dừng rà soát. Gõ /duyet để tiếp tục.',
  reviewChooseAgain: () => 'Xin chọn một trong các lựa chọn bên dưới.',

  // Petitions and follow-up
  knUsage: () => 'Cách dùng: /kn KN-2026-000123',
  petitionUnknown: (code: string) => `Không có kiến nghị mã ${code}.`,
  history: (h: HistoryView, timeZone: string) =>
    [
      `Kiến nghị ${h.trackingCode} — ${statusLabel(h.status)}`,
      `Nhận lúc: ${formatDateTime(h.receivedAt, timeZone)}${h.meeting ? ` — hội nghị ${h.meeting}` : ''}`,
      `Người gửi: ${h.sender}`,
      `Nội dung: ${excerpt(h.text, 1200)}`,
      `Phân loại: ${h.authority} / ${h.field}${h.agency ? ` / ${h.agency}` : ''}`,
      h.forwardedTo
        ? `Đã chuyển: ${h.forwardedTo}${h.forwardedAt ? ` ngày ${formatDate(h.forwardedAt, timeZone)}` : ''}`
        : null,
      h.answerText || h.answerRef
        ? `Trả lời${h.answeredAt ? ` ngày ${formatDate(h.answeredAt, timeZone)}` : ''}: ${[h.answerRef, h.answerText].filter(Boolean).join(' — ')}` +
          (h.answerNotifiedAt ? ` (đã báo cử tri ${formatDateTime(h.answerNotifiedAt, timeZone)})` : '')
        : null,
      h.duplicateOf ? `Trùng với: ${h.duplicateOf}` : null,
      h.rejectReason ? `Lý do không tiếp nhận: ${h.rejectReason}` : null,
      'Diễn biến:',
      ...h.events.map(
        (e) =>
          `  • ${formatDateTime(e.at, timeZone)}: ${e.from ? `${statusLabel(e.from)} → ` : ''}${statusLabel(e.to)}` +
          `${e.note ? ` (${eventNote(e.note)})` : ''}${e.actor ? ` — ${actorLabel(e.actor)}` : ''}`,
      ),
      h.classifications.length ? 'Phân loại qua các lần:' : null,
      ...h.classifications.map(
        (c) =>
          `  • ${formatDateTime(c.at, timeZone)} ${CLASSIFIER_LABELS[c.classifier] ?? c.classifier}: ${c.authority} / ${c.field} (${Math.round(c.confidence * 100)}%)`,
      ),
    ]
      .filter((line) => line !== null)
      .join('\n'),
  senderAnonymous: () => 'ẩn danh',
  senderUnknown: () => 'không còn thông tin (cử tri đã xóa dữ liệu hoặc gửi trực tiếp)',
  senderNamed: (name: string | null, ward: string | null) => [name ?? 'không nêu tên', ward].filter(Boolean).join(', '),
  statusUsage: (usage: string) => `Cách dùng: ${usage}`,
  statusChanged: (code: string, status: string, notified: boolean) =>
    `Đã cập nhật ${code}: ${statusLabel(status)}.${notified ? ' Cử tri sẽ nhận được thông báo trả lời.' : ''}`,
  duplicateSelf: () => 'Một kiến nghị không thể trùng với chính nó.',
  answerToVoter: (code: string, answer: string | null, ref: string | null, at: Date, timeZone: string) =>
    [
      `Kiến nghị ${code} của Ông/Bà đã có trả lời (ngày ${formatDate(at, timeZone)}).`,
      ref ? `Văn bản: ${ref}` : null,
      answer ? `Nội dung trả lời: ${answer}` : null,
      `Xem lại bằng lệnh /tracuu ${code}. Trân trọng cảm ơn Ông/Bà đã gửi ý kiến.`,
    ]
      .filter(Boolean)
      .join('\n'),
  badDate: (text: string) => `Ngày "${text}" không hợp lệ (ví dụ 05/12/2026).`,
};

// ---- Follow-up: forwarding letters, answers, results reports, meeting changes, reminders ----

/** The forwarding letter ("công văn chuyển kiến nghị của cử tri"). */
export const forwardText = {
  subject: () => 'chuyển kiến nghị của cử tri',
  to: (agency: string) => `Kính gửi: ${agency}.`,
  intro: (office: string, agency: string, count: number) =>
    `${office} nhận được ${count} kiến nghị của cử tri thuộc thẩm quyền giải quyết của ${agency} ` +
    '(danh sách kèm theo, thông tin cá nhân của cử tri đã được lược bỏ).',
  askAnswer: (due: string) =>
    `Đề nghị Quý cơ quan xem xét, giải quyết và trả lời bằng văn bản trước ngày ${due}; ` +
    'văn bản trả lời xin ghi rõ mã của từng kiến nghị (KN-…) để thông tin kịp thời đến cử tri.',
  columns: () => ['STT', 'Mã kiến nghị', 'Hội nghị', 'Nội dung kiến nghị'],
  closing: () => 'Trân trọng.',
  noMeeting: () => 'Gửi qua kênh trực tuyến',
  eventNote: (agency: string, number: string) => `${agency} — công văn số ${number}`,
};

/** The results report ("báo cáo kết quả giải quyết kiến nghị cử tri"). */
export const resultsText = {
  title: () => 'BÁO CÁO',
  subtitle: () => 'Kết quả giải quyết kiến nghị của cử tri',
  sheet: () => 'Kết quả',
  meetingScope: (code: string, title: string) => `Hội nghị ${code}: ${title}`,
  constituencyScope: (name: string) => `Đơn vị bầu cử: ${name}`,
  unknownMeeting: (code: string) => `Không có hội nghị mã ${code}.`,
  unknownConstituency: (name: string) => `Không có hội nghị nào của đơn vị bầu cử "${name}".`,
  summary: (c: { total: number; answered: number; resolved: number }) =>
    `Tổng số ${c.total} kiến nghị; đã có trả lời ${c.answered}; đã giải quyết ${c.resolved}.`,
  columns: () => ['STT', 'Mã, hội nghị', 'Nội dung kiến nghị', 'Cơ quan', 'Trả lời', 'Kết quả'],
  xlsxColumns: () => [
    'Cấp thẩm quyền',
    'Lĩnh vực',
    'Mã kiến nghị',
    'Hội nghị',
    'Nội dung kiến nghị',
    'Cơ quan giải quyết',
    'Văn bản trả lời',
    'Ngày trả lời',
    'Nội dung trả lời',
    'Kết quả',
  ],
  noAnswer: () => 'Chưa có trả lời',
  answerRef: (ref: string, day: string | null) => `Văn bản số ${ref}${day ? ` ngày ${day}` : ''}`,
  resolved: (resolved: boolean, status: string) =>
    resolved ? 'Đã giải quyết' : status === 'answered' ? 'Đã trả lời, chưa giải quyết' : 'Đang chờ trả lời',
  roman: (n: number) => ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'][n - 1] ?? String(n),
  recipients: () => ['Các vị đại biểu', 'Ủy ban Mặt trận Tổ quốc'],
  toDeputy: (meeting: { code: string; title: string; startsAt: Date }, rows: number, timeZone: string) =>
    `Báo cáo kết quả giải quyết ${rows} kiến nghị của cử tri, chuẩn bị cho hội nghị ${meeting.code} ` +
    `(${meeting.title}, ${formatDateTime(meeting.startsAt, timeZone)}).`,
};

/** A meeting moved or cancelled, as its voters and deputies are told. */
export const changeText = {
  moved: (m: { code: string; title: string; startsAt: Date; place: string }, voter: boolean, timeZone: string) =>
    [
      `Thông báo: hội nghị ${m.code} (${m.title}) chuyển sang ${formatDateTime(m.startsAt, timeZone)}, tại ${m.place}.`,
      voter ? 'Ông/Bà vẫn có thể gửi ý kiến, kiến nghị tại đây bất cứ lúc nào. Trân trọng.' : 'Trân trọng.',
    ].join('\n'),
  cancelled: (m: { code: string; title: string }, voter: boolean) =>
    [
      `Thông báo: hội nghị ${m.code} (${m.title}) đã hủy.`,
      voter
        ? 'Ông/Bà vẫn có thể gửi ý kiến, kiến nghị tại đây; chúng tôi sẽ chuyển đến cơ quan có thẩm quyền. Trân trọng.'
        : 'Trân trọng.',
    ].join('\n'),
};

/** The weekly reminder of overdue answers to staff. */
export const reminderText = {
  overdue: (
    groups: { agency: string; items: { trackingCode: string; answerDueAt: Date; forwardRef: string | null }[] }[],
    timeZone: string,
  ) =>
    [
      `Nhắc việc: ${groups.reduce((n, g) => n + g.items.length, 0)} kiến nghị quá hạn trả lời.`,
      ...groups.flatMap((g) => [
        `• ${g.agency || 'Chưa rõ cơ quan'} (${g.items.length}):`,
        ...g.items
          .slice(0, 10)
          .map(
            (i) =>
              `  ${i.trackingCode} — hạn ${formatDate(i.answerDueAt, timeZone)}${i.forwardRef ? `, công văn ${i.forwardRef}` : ''}`,
          ),
        ...(g.items.length > 10 ? [`  … và ${g.items.length - 10} kiến nghị khác`] : []),
      ]),
    ].join('\n'),
};

/** Follow-up sentences of staff commands and /thongke. */
export const followupStaffMsg = {
  overdue: (count: number) => `Quá hạn trả lời: ${count}`,
  notResolvedUsage: () => 'Cách dùng: /chuagiaiquyet KN-2026-000123 | ghi chú (không bắt buộc)',
  notResolvedNote: () => 'trả lời chưa giải quyết được kiến nghị',
  unknown: (code: string) => `Không có kiến nghị mã ${code}.`,
  reopened: (code: string) => `Đã mở lại ${code} để theo dõi, đôn đốc giải quyết (tình trạng: đã chuyển).`,
  notAnswered: (code: string) => `${code} chưa có trả lời: không có gì để mở lại.`,
};
