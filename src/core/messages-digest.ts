// The Vietnamese sentences of deputy digests, subscriptions, reports and exports.
import { STATUS_LABELS } from './messages.ts';
import { formatDate, formatDateTime } from './time.ts';

export const FREQUENCY_LABELS: Record<string, string> = {
  daily: 'hằng ngày',
  weekly: 'hằng tuần',
  after_meeting: 'sau mỗi hội nghị tiếp xúc cử tri',
};

export const frequencyChoiceLabels = {
  daily: 'Hằng ngày',
  weekly: 'Hằng tuần',
  after_meeting: 'Sau mỗi hội nghị',
} as const;

export const DEADLINE_KIND_LABELS: Record<string, string> = {
  before_session: 'trước kỳ họp',
  after_session: 'sau kỳ họp',
};

export const digestMsg = {
  title: (deputyName: string) => `BẢN TIN Ý KIẾN, KIẾN NGHỊ CỬ TRI\nĐại biểu: ${deputyName}`,
  period: (since: Date, until: Date, tz: string) => `Từ ${formatDateTime(since, tz)} đến ${formatDateTime(until, tz)}`,
  newTotal: (petitions: number, voters: number, meetings: number) =>
    `Ý kiến mới: ${petitions} ý kiến của ${voters} cử tri, tại ${meetings} hội nghị.`,
  noNew: () => 'Không có ý kiến mới trong kỳ này.',
  byAuthority: () => 'Theo thẩm quyền giải quyết:',
  byField: () => 'Theo lĩnh vực:',
  countLine: (label: string, count: number) => `• ${label}: ${count}`,
  themes: () => 'Nội dung nổi bật:',
  themeLine: (index: number, title: string, petitions: number, voters: number, meetings: number) =>
    `${index}. ${title} — ${petitions} ý kiến, ${voters} cử tri, ${meetings} hội nghị`,
  quote: (text: string) => `   «${text}»`,
  moreThemes: (count: number) => `… và ${count} nội dung khác.`,
  changes: () => 'Thay đổi tình trạng từ bản tin trước:',
  changeLine: (code: string, status: string, what: string) => `• ${code} — ${STATUS_LABELS[status] ?? status}: ${what}`,
  moreChanges: (count: number) => `… và ${count} ý kiến khác.`,
  late: (count: number) => `Quá hạn chuyển cơ quan có thẩm quyền: ${count} ý kiến`,
  lateLine: (code: string, kind: string, day: string, what: string) =>
    `• ${code} (hạn ${DEADLINE_KIND_LABELS[kind] ?? kind} ${dayLabel(day)}): ${what}`,
  nextDeadline: (kind: string, day: string, daysLeft: number) =>
    `Hạn gửi tổng hợp kiến nghị ${DEADLINE_KIND_LABELS[kind] ?? kind}: ${dayLabel(day)} (` +
    (daysLeft === 0 ? 'hôm nay' : `còn ${daysLeft} ngày`) +
    ').',
  upcoming: () => 'Hội nghị sắp tới:',
  upcomingLine: (startsAt: Date, title: string, place: string, tz: string) =>
    `• ${formatDateTime(startsAt, tz)} — ${title}, ${place}`,
  noUpcoming: () => 'Chưa có hội nghị nào trong 14 ngày tới.',
};

/** 2026-05-05 -> 05/05/2026 */
export function dayLabel(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}

export const subscriptionMsg = {
  askFrequency: () => 'Xin chọn tần suất nhận bản tin ý kiến cử tri:',
  subscribed: (frequency: string) =>
    `Đã đăng ký nhận bản tin ${FREQUENCY_LABELS[frequency] ?? frequency} qua cuộc trò chuyện này. ` +
    'Gõ /huydangky để dừng nhận.',
  unknownFrequency: () =>
    'Chưa rõ tần suất. Xin gõ một trong: /dangky hang ngay, /dangky hang tuan, /dangky sau moi hop.',
  notDeputy: () =>
    'Lệnh này dành cho đại biểu có tài khoản đã được Văn phòng liên kết. Xin liên hệ Văn phòng để được cấp quyền.',
  unsubscribed: () => 'Đã dừng gửi bản tin. Có thể đăng ký lại bằng lệnh /dangky.',
  notSubscribed: () => 'Tài khoản này chưa đăng ký nhận bản tin. Gõ /dangky để đăng ký.',
};

export const reportMsg = {
  staffOnly: () => 'Lệnh này chỉ dành cho cán bộ Văn phòng.',
  usage: () =>
    'Cách dùng: /baocao <từ ngày> <đến ngày> [docx|xlsx] [mã hội nghị]\n' + 'Ví dụ: /baocao 01/11/2026 30/11/2026 xlsx',
  badRange: () => 'Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.',
  meetingNotFound: (code: string) => `Không có hội nghị mã ${code}.`,
  caption: (from: string, to: string, petitions: number) =>
    `Báo cáo tổng hợp ý kiến, kiến nghị cử tri từ ${dayLabel(from)} đến ${dayLabel(to)}: ${petitions} ý kiến.`,
};

/** Headings and column names of the Word and Excel reports. */
export const reportText = {
  type: 'BÁO CÁO',
  symbol: 'BC',
  title: 'Tổng hợp ý kiến, kiến nghị cử tri',
  /** "Nơi nhận" before the office's own file copy ("Lưu: VT."). */
  recipients: ['Đoàn đại biểu Quốc hội', 'Thường trực HĐND', 'Các đại biểu'],
  period: (from: string, to: string) => `Từ ngày ${dayLabel(from)} đến ngày ${dayLabel(to)}`,
  forMeeting: (code: string, title: string) => `Hội nghị ${code}: ${title}`,
  partMeetings: 'I. TÌNH HÌNH TỔ CHỨC TIẾP XÚC CỬ TRI',
  meetingsSummary: (meetings: number, expected: number, voters: number, petitions: number) =>
    `Trong kỳ đã tổ chức ${meetings} hội nghị tiếp xúc cử tri` +
    (expected ? ` (dự kiến ${expected} cử tri tham dự); ` : '; ') +
    `${voters} cử tri đã gửi ${petitions} ý kiến, kiến nghị.`,
  meetingLine: (
    startsAt: Date,
    tz: string,
    title: string,
    place: string,
    expected: number | null,
    voters: number,
    petitions: number,
  ) =>
    `${formatDate(startsAt, tz)} — ${title} (${place}): ` +
    (expected !== null ? `dự kiến ${expected} cử tri, ` : '') +
    `${voters} cử tri gửi ${petitions} ý kiến.`,
  noMeetings: 'Không có hội nghị nào trong kỳ.',
  partPetitions: 'II. Ý KIẾN, KIẾN NGHỊ CỬ TRI THEO THẨM QUYỀN GIẢI QUYẾT',
  level: (index: number, label: string, count: number) => `${index}. Thuộc thẩm quyền ${label} (${count} ý kiến)`,
  field: (index: string, label: string, count: number) => `${index}. Lĩnh vực ${label} (${count} ý kiến)`,
  theme: (title: string, voters: number, meetings: number, petitions: number) =>
    `${title} (${voters} cử tri, ${meetings} hội nghị, ${petitions} ý kiến)`,
  codes: (codes: string[]) => `Mã ý kiến: ${codes.join(', ')}`,
  noPetitions: 'Không có ý kiến, kiến nghị nào trong kỳ.',
  footer: (when: Date, tz: string) => `Báo cáo lập tự động lúc ${formatDateTime(when, tz)}.`,
  summarySheet: 'Tổng hợp',
  allSheet: 'Tất cả ý kiến',
  summaryHeader: ['Thẩm quyền', 'Lĩnh vực', 'Số ý kiến', 'Số cử tri', 'Số hội nghị'],
  total: 'Tổng cộng',
  columns: {
    trackingCode: 'Mã ý kiến',
    receivedAt: 'Ngày tiếp nhận',
    meetingCode: 'Mã hội nghị',
    meetingTitle: 'Hội nghị',
    channel: 'Kênh',
    text: 'Nội dung',
    summary: 'Tóm tắt',
    authority: 'Thẩm quyền',
    field: 'Lĩnh vực',
    agency: 'Cơ quan giải quyết',
    status: 'Tình trạng',
    group: 'Nhóm nội dung',
    anonymous: 'Ẩn danh',
    forwardedTo: 'Đã chuyển tới',
    forwardedAt: 'Ngày chuyển',
    answerRef: 'Số văn bản trả lời',
    answerText: 'Nội dung trả lời',
    answeredAt: 'Ngày trả lời',
    resolvedAt: 'Ngày giải quyết xong',
  },
  yes: 'Có',
  no: 'Không',
};
