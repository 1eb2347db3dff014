// Every sentence the bot says, in one Vietnamese catalogue. Handlers never write prose.
import { formatDateTime } from './time.ts';

export const NOTICE_VERSION = 'thongbao-2026-01';

export interface MeetingInfo {
  code: string;
  title: string;
  place: string;
  ward: string | null;
  startsAt: Date;
  status: string;
}

export const STATUS_LABELS: Record<string, string> = {
  received: 'Đã tiếp nhận',
  classified: 'Đã phân loại',
  reviewed: 'Đã rà soát',
  forwarded: 'Đã chuyển cơ quan có thẩm quyền',
  answered: 'Đã có văn bản trả lời',
  resolved: 'Đã giải quyết xong',
  duplicate: 'Đã gộp với kiến nghị trùng nội dung',
  rejected: 'Không tiếp nhận',
};

export const choiceLabels = {
  agree: 'Đồng ý',
  anonymous: 'Gửi ẩn danh',
  cancel: 'Hủy',
  skip: 'Bỏ qua',
  done: 'Kết thúc',
  confirmDelete: 'Xóa dữ liệu của tôi',
  keep: 'Không xóa',
} as const;

function where(meeting: MeetingInfo): string {
  return meeting.ward ? `${meeting.place}, ${meeting.ward}` : meeting.place;
}

export const msg = {
  welcome: () =>
    'Xin chào! Đây là trợ lý tự động tiếp nhận ý kiến, kiến nghị của cử tri gửi tới Đoàn đại biểu Quốc hội và HĐND.\n' +
    'Bạn có thể nhập mã hội nghị tiếp xúc cử tri (in trên giấy mời hoặc mã QR), hoặc gửi ngay ý kiến của mình.',

  meetingGreeting: (meeting: MeetingInfo, timeZone: string) =>
    `Chào mừng bạn đến với hội nghị "${meeting.title}".\n` +
    `Địa điểm: ${where(meeting)}\nThời gian: ${formatDateTime(meeting.startsAt, timeZone)}`,

  meetingClosed: (meeting: MeetingInfo) =>
    `Hội nghị "${meeting.title}" đã kết thúc. Ý kiến bạn gửi bây giờ vẫn được ghi nhận và chuyển tới các đại biểu.`,

  meetingCancelled: (meeting: MeetingInfo) =>
    `Hội nghị "${meeting.title}" đã bị hủy. Bạn vẫn có thể gửi ý kiến; ý kiến sẽ được ghi nhận chung, không gắn với hội nghị này.`,

  meetingNotFound: (code: string) =>
    `Không tìm thấy hội nghị có mã "${code}". Bạn hãy kiểm tra lại mã, hoặc cứ gửi ý kiến: ý kiến vẫn được ghi nhận.`,

  consentNotice: () =>
    'Trước khi gửi, xin bạn đọc thông báo về dữ liệu cá nhân:\n' +
    '• Chúng tôi lưu nội dung ý kiến, thời gian gửi, hội nghị và (nếu bạn đồng ý) họ tên, phường/xã của bạn.\n' +
    '• Mục đích: tổng hợp, chuyển cơ quan có thẩm quyền giải quyết và báo lại kết quả cho bạn.\n' +
    '• Nội dung được phân loại tự động; họ tên, số điện thoại, địa chỉ được xóa trước khi xử lý bằng máy.\n' +
    '• Bạn có thể xem lại hoặc yêu cầu xóa dữ liệu bất cứ lúc nào bằng lệnh /xoadulieu.\n' +
    'Bạn đồng ý chứ? Chọn "Gửi ẩn danh" nếu không muốn để lại họ tên.',

  consentPending: () => 'Mình đã giữ tạm ý kiến của bạn. Bạn vui lòng chọn một trong các lựa chọn dưới đây để tiếp tục.',

  cancelled: () => 'Đã hủy. Không có thông tin nào của bạn được lưu lại. Bạn có thể bắt đầu lại bất cứ lúc nào.',

  stepCancelled: () => 'Đã hủy thao tác đang làm. Các ý kiến đã gửi trước đó vẫn được giữ.',

  askName: () => 'Bạn vui lòng cho biết họ tên (không bắt buộc, chọn "Bỏ qua" nếu không muốn).',

  askWard: () => 'Bạn sống ở phường/xã nào? (không bắt buộc)',

  askPetition: (anonymous: boolean) =>
    (anonymous ? 'Ý kiến của bạn sẽ được gửi ẩn danh. ' : 'Cảm ơn bạn. ') +
    'Mời bạn nhập ý kiến, kiến nghị. Bạn có thể gửi kèm ảnh (có chú thích) hoặc tin nhắn thoại.',

  petitionStored: (trackingCode: string) =>
    `Đã ghi nhận ý kiến của bạn. Mã tra cứu: ${trackingCode}\n` +
    `Bạn có thể xem tình trạng bằng lệnh /tracuu ${trackingCode}. Nếu còn ý kiến khác, bạn cứ gửi tiếp.`,

  finished: () => 'Cảm ơn bạn đã gửi ý kiến. Kết quả giải quyết sẽ được báo lại qua cuộc trò chuyện này.',

  emptyPetition: () => 'Ý kiến chưa có nội dung. Bạn vui lòng nhập nội dung ý kiến, kiến nghị.',

  tooLong: (max: number) =>
    `Ý kiến dài quá ${max.toLocaleString('vi-VN')} ký tự nên chưa được lưu. Bạn vui lòng chia thành nhiều tin nhắn ngắn hơn.`,

  unsupported: (what: 'sticker' | 'other') =>
    (what === 'sticker' ? 'Cảm ơn bạn! Mình chưa đọc được nhãn dán. ' : 'Mình chưa xử lý được loại nội dung này. ') +
    'Bạn có thể gửi ý kiến bằng chữ, ảnh (có chú thích) hoặc tin nhắn thoại.',

  flood: (seconds: number) =>
    `Bạn đang gửi nhanh quá. Những ý kiến đã gửi trước đó đã được ghi nhận; bạn vui lòng chờ khoảng ${seconds} giây rồi gửi tiếp.`,

  expiredChoice: () => 'Lựa chọn này không còn hiệu lực. Bạn vui lòng làm theo hướng dẫn mới nhất.',

  unknownCommand: (command: string) => `Không có lệnh /${command}. Gõ /trogiup để xem các lệnh.`,

  help: () =>
    'Bạn có thể:\n' +
    '• Nhập mã hội nghị để gửi ý kiến cho hội nghị đó\n' +
    '• Gửi ý kiến, kiến nghị bằng chữ, ảnh có chú thích hoặc tin nhắn thoại\n' +
    '• /tracuu <mã> — xem tình trạng ý kiến đã gửi (ví dụ /tracuu KN-2026-000123)\n' +
    '• /huy — hủy thao tác đang làm\n' +
    '• /xoadulieu — xóa dữ liệu cá nhân của bạn',

  lookupNotFound: (code: string) =>
    `Không tìm thấy ý kiến mã ${code} trong các ý kiến bạn đã gửi. Bạn kiểm tra lại mã nhé.`,

  lookupNone: () => 'Bạn chưa gửi ý kiến nào.',

  lookupList: (items: { trackingCode: string; status: string; receivedAt: Date }[], timeZone: string) =>
    'Các ý kiến gần đây của bạn:\n' +
    items
      .map(
        (item) =>
          `• ${item.trackingCode} — ${STATUS_LABELS[item.status] ?? item.status} (gửi ${formatDateTime(item.receivedAt, timeZone)})`,
      )
      .join('\n'),

  lookupDetail: (
    petition: {
      trackingCode: string;
      status: string;
      receivedAt: Date;
      text: string;
      meetingTitle: string | null;
      forwardedTo: string | null;
      answerText: string | null;
    },
    timeZone: string,
  ) =>
    [
      `Ý kiến ${petition.trackingCode}`,
      `Tình trạng: ${STATUS_LABELS[petition.status] ?? petition.status}`,
      `Gửi lúc: ${formatDateTime(petition.receivedAt, timeZone)}`,
      petition.meetingTitle ? `Hội nghị: ${petition.meetingTitle}` : null,
      `Nội dung: ${excerpt(petition.text, 300)}`,
      petition.forwardedTo ? `Đã chuyển: ${petition.forwardedTo}` : null,
      petition.answerText ? `Trả lời: ${petition.answerText}` : null,
    ]
      .filter(Boolean)
      .join('\n'),

  deleteConfirm: () =>
    'Bạn muốn xóa họ tên, phường/xã và liên kết giữa bạn với các ý kiến đã gửi? ' +
    'Nội dung ý kiến vẫn được giữ ở dạng ẩn danh để cơ quan có thẩm quyền giải quyết.',

  deleted: () => 'Đã xóa dữ liệu cá nhân của bạn. Cảm ơn bạn.',

  deleteKept: () => 'Đã giữ nguyên dữ liệu của bạn.',

  nothingToCancel: () => 'Không có thao tác nào đang chờ. Bạn cứ gửi ý kiến khi cần.',

  error: () => 'Xin lỗi, hệ thống đang bận. Bạn vui lòng gửi lại sau ít phút.',
};

export function excerpt(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
