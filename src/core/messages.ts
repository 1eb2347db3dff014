// Every sentence the bot says, in one Vietnamese catalogue. Handlers never write prose.
import { formatDateTime } from './time.ts';

/** The privacy notice without the sentence on speech and vision servers. */
const NOTICE_VERSION = 'thongbao-2026-01';

/** The files read by servers the office configures, named by the privacy notice. */
export interface MediaReads {
  voice?: boolean;
  photo?: boolean;
}

/** The version of the privacy notice shown under these settings: its text changes with the servers it names. */
export function noticeVersion(reads: MediaReads): string {
  const named = [reads.voice ? 'thoai' : '', reads.photo ? 'anh' : ''].filter(Boolean);
  return named.length ? `thongbao-2026-02-${named.join('-')}` : NOTICE_VERSION;
}

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
  not_petition: 'Không phải kiến nghị',
};

export const choiceLabels = {
  agree: 'Đồng ý',
  anonymous: 'Gửi ẩn danh',
  cancel: 'Hủy',
  skip: 'Bỏ qua',
  done: 'Kết thúc',
  confirmDelete: 'Xóa dữ liệu của tôi',
  keep: 'Không xóa',
  sendAsPetition: 'Gửi làm ý kiến',
  notPetition: 'Không',
} as const;

const HOW_TO_SEND =
  'Để gửi ý kiến, kiến nghị, Ông/Bà nhập nội dung bằng chữ (có thể kèm ảnh có chú thích hoặc tin nhắn thoại); ' +
  'để tham dự hội nghị, nhập mã hội nghị in trên giấy mời.';

function where(meeting: MeetingInfo): string {
  return meeting.ward ? `${meeting.place}, ${meeting.ward}` : meeting.place;
}

export const msg = {
  /** The first message: who speaks (the office's automated assistant) and what a voter can do. */
  welcome: (office: string) =>
    `Kính chào Ông/Bà. Đây là trợ lý tự động của ${office}, tiếp nhận ý kiến, kiến nghị của cử tri.\n` +
    'Ông/Bà có thể nhập mã hội nghị tiếp xúc cử tri (in trên giấy mời) hoặc gửi ngay ý kiến, kiến nghị.',

  meetingGreeting: (meeting: MeetingInfo, timeZone: string) =>
    `Chào mừng Ông/Bà đến với hội nghị "${meeting.title}".\n` +
    `Địa điểm: ${where(meeting)}\nThời gian: ${formatDateTime(meeting.startsAt, timeZone)}`,

  meetingClosed: (meeting: MeetingInfo) =>
    `Hội nghị "${meeting.title}" đã kết thúc. Ý kiến Ông/Bà gửi bây giờ vẫn được ghi nhận và chuyển tới các đại biểu.`,

  meetingCancelled: (meeting: MeetingInfo) =>
    `Hội nghị "${meeting.title}" đã bị hủy. Ông/Bà vẫn có thể gửi ý kiến; ` +
    'ý kiến sẽ được ghi nhận chung, không gắn với hội nghị này.',

  meetingNotFound: (code: string) =>
    `Không tìm thấy hội nghị có mã "${code}". ` +
    'Ông/Bà vui lòng kiểm tra lại mã, hoặc gửi ý kiến ngay: ý kiến vẫn được ghi nhận.',

  /** `reads`: which files are sent to the office's speech or vision server (while those features are on). */
  consentNotice: (held = false, reads: MediaReads = {}) =>
    'Trước khi gửi ý kiến, xin Ông/Bà đọc thông báo về dữ liệu cá nhân:\n' +
    '• Chúng tôi lưu nội dung ý kiến, thời gian gửi, hội nghị và (nếu Ông/Bà đồng ý) họ tên, phường/xã của Ông/Bà.\n' +
    '• Mục đích: tổng hợp, chuyển cơ quan có thẩm quyền giải quyết và báo lại kết quả cho Ông/Bà.\n' +
    '• Nội dung được phân loại tự động; họ tên, số điện thoại, địa chỉ được xóa trước khi xử lý bằng máy.\n' +
    mediaNotice(reads) +
    '• Ông/Bà có thể xem lại hoặc yêu cầu xóa dữ liệu bất cứ lúc nào bằng lệnh /xoadulieu.\n' +
    'Ông/Bà có đồng ý không? Chọn "Gửi ẩn danh" nếu không muốn để lại họ tên.' +
    (held ? '\nNội dung Ông/Bà đã gửi đang được giữ tạm và sẽ được lưu khi Ông/Bà đồng ý.' : ''),

  consentPending: (heldChars: number, max: number) =>
    (heldChars > 0
      ? `Chúng tôi đang giữ tạm ${heldChars.toLocaleString('vi-VN')} ký tự Ông/Bà đã gửi ` +
        `(tối đa ${max.toLocaleString('vi-VN')} ký tự); nội dung chỉ được lưu khi Ông/Bà đồng ý. `
      : '') + 'Ông/Bà vui lòng chọn một trong các lựa chọn dưới đây để tiếp tục.',

  heldFull: (max: number) =>
    `Tin nhắn này chưa được giữ: cộng với phần đang giữ tạm thì vượt quá ${max.toLocaleString('vi-VN')} ký tự, ` +
    'giới hạn của một ý kiến. Ông/Bà vui lòng chọn "Đồng ý" hoặc "Gửi ẩn danh" để lưu phần đang giữ, ' +
    'rồi gửi lại tin nhắn này.',

  cancelled: () => 'Đã hủy. Không có thông tin nào của Ông/Bà được lưu. Ông/Bà có thể bắt đầu lại bất cứ lúc nào.',

  stepCancelled: () => 'Đã hủy thao tác đang làm. Các ý kiến đã gửi trước đó vẫn được giữ.',

  askName: () => 'Ông/Bà vui lòng cho biết họ tên (không bắt buộc, chọn "Bỏ qua" nếu không muốn).',

  askWard: () => 'Ông/Bà sống ở phường/xã nào? (không bắt buộc)',

  askPetition: (anonymous: boolean) =>
    (anonymous ? 'Ý kiến của Ông/Bà sẽ được gửi ẩn danh. ' : '') +
    'Mời Ông/Bà nhập ý kiến, kiến nghị; có thể gửi kèm ảnh (có chú thích) hoặc tin nhắn thoại.',

  petitionStored: (trackingCode: string) =>
    `Đã ghi nhận ý kiến của Ông/Bà. Mã tra cứu: ${trackingCode}\n` +
    `Xem tình trạng bằng lệnh /tracuu ${trackingCode}. Nếu còn ý kiến khác, mời Ông/Bà gửi tiếp.`,

  finished: () => 'Cảm ơn Ông/Bà đã gửi ý kiến. Kết quả giải quyết sẽ được báo lại qua cuộc trò chuyện này.',

  tooLong: (max: number, beforeConsent: boolean) =>
    `Tin nhắn dài quá ${max.toLocaleString('vi-VN')} ký tự (giới hạn của một ý kiến) nên ` +
    (beforeConsent
      ? 'chưa được giữ. Ông/Bà vui lòng gửi phần ngắn hơn, hoặc chọn "Đồng ý" rồi gửi thành nhiều tin nhắn: ' +
        'mỗi tin nhắn được lưu thành một ý kiến.'
      : 'chưa được lưu. Ông/Bà vui lòng chia thành nhiều tin nhắn ngắn hơn: mỗi tin nhắn được lưu thành một ý kiến.'),

  /** Why a text was not kept as a petition (empty, only symbols, a greeting or thanks). */
  notKept: (reason: 'empty' | 'symbols' | 'greeting') =>
    (reason === 'empty'
      ? 'Tin nhắn không có nội dung đọc được nên chưa được lưu. '
      : reason === 'symbols'
        ? 'Tin nhắn chỉ có biểu tượng nên chưa được lưu thành ý kiến. '
        : 'Chúng tôi đã nhận được tin nhắn; lời chào, lời cảm ơn không được lưu thành ý kiến. ') + HOW_TO_SEND,

  howToSend: () =>
    'Đây là trợ lý tự động tiếp nhận ý kiến, kiến nghị cử tri. ' + HOW_TO_SEND + ' Gõ /trogiup để xem các lệnh.',

  codeNotFound: (code: string) =>
    `Không tìm thấy hội nghị mã "${code}"; tin nhắn này chưa được lưu. Ông/Bà kiểm tra lại mã in trên giấy mời. ` +
    'Nếu đây là ý kiến, kiến nghị, Ông/Bà vui lòng viết rõ nội dung.',

  askIfPetition: () =>
    'Đây có phải ý kiến, kiến nghị của Ông/Bà không? Tin nhắn ngắn nên chúng tôi hỏi lại; chưa có gì được lưu. ' +
    'Chọn "Gửi làm ý kiến" để lưu.',

  notStoredOnRequest: () => 'Tin nhắn vừa rồi không được lưu. Ông/Bà có thể gửi ý kiến, kiến nghị bất cứ lúc nào.',

  wardNotListed: () =>
    'Chúng tôi đã ghi lại phường/xã Ông/Bà nhập, nhưng tên này không có trong danh sách phường/xã của Văn phòng, ' +
    'nên ý kiến sẽ không được thống kê theo phường/xã.',

  staffWelcome: () =>
    'Xin chào. Đây là tài khoản cán bộ: gõ /canbo để xem các lệnh, hoặc đặt câu hỏi về số liệu kiến nghị. ' +
    'Để gửi ý kiến như một cử tri, gõ /cutri.',

  staffLeftVoterFlow: (dropped: boolean) =>
    'Tài khoản đang ở chế độ cán bộ nên bước gửi ý kiến của cử tri đã dừng' +
    (dropped ? '; nội dung giữ tạm chưa được lưu' : '') +
    '. Tin nhắn vừa rồi chưa được xử lý: xin gửi lại, hoặc gõ /cutri để gửi ý kiến như một cử tri.',

  unsupported: (what: 'sticker' | 'other') =>
    (what === 'sticker' ? 'Chúng tôi chưa đọc được nhãn dán. ' : 'Chúng tôi chưa xử lý được loại nội dung này. ') +
    'Ông/Bà có thể gửi ý kiến bằng chữ, ảnh (có chú thích) hoặc tin nhắn thoại.',

  flood: (seconds: number) =>
    'Ông/Bà gửi tin nhắn quá nhanh. Các ý kiến đã gửi trước đó đều đã được ghi nhận; ' +
    `Ông/Bà vui lòng chờ khoảng ${seconds} giây rồi gửi tiếp.`,

  expiredChoice: () => 'Lựa chọn này không còn hiệu lực. Ông/Bà vui lòng làm theo hướng dẫn mới nhất.',

  unknownCommand: (command: string) => `Không có lệnh /${command}. Gõ /trogiup để xem các lệnh.`,

  lookupNotFound: (code: string) =>
    `Không tìm thấy ý kiến mã ${code} trong các ý kiến Ông/Bà đã gửi. Ông/Bà vui lòng kiểm tra lại mã.`,

  lookupNone: () => 'Ông/Bà chưa gửi ý kiến nào.',

  lookupList: (items: { trackingCode: string; status: string; receivedAt: Date }[], timeZone: string) =>
    'Các ý kiến gần đây của Ông/Bà:\n' +
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
    'Ông/Bà muốn xóa họ tên, phường/xã và liên kết giữa Ông/Bà với các ý kiến đã gửi? ' +
    'Nội dung ý kiến vẫn được giữ ở dạng ẩn danh để cơ quan có thẩm quyền giải quyết.',

  deleted: () => 'Đã xóa dữ liệu cá nhân của Ông/Bà.',

  deleteKept: () => 'Đã giữ nguyên dữ liệu của Ông/Bà.',

  nothingToCancel: () => 'Không có thao tác nào đang chờ. Ông/Bà có thể gửi ý kiến bất cứ lúc nào.',

  error: () => 'Xin lỗi, hệ thống đang bận. Ông/Bà vui lòng gửi lại sau ít phút.',
};

export function excerpt(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Replies of the core itself: a turn that failed, a command refused by the flood limit. */
export const turnMsg = {
  failed: (errorId: string) =>
    'Xin lỗi Ông/Bà, hệ thống chưa xử lý được tin nhắn vừa rồi. ' +
    `Ông/Bà vui lòng gửi lại sau ít phút. (Mã lỗi: ${errorId})`,

  limited: (seconds: number) =>
    'Ông/Bà đã gửi nhiều tin trong thời gian ngắn nên yêu cầu này chưa được thực hiện. ' +
    `Ông/Bà vui lòng thử lại sau khoảng ${seconds} giây.`,
};

// ---- Follow-up: an answer that did not resolve a petition, and the voter's own data ----

/** What a voter reads about the follow-up of their petitions and about their data. */
export const followupVoterMsg = {
  reopenChoice: () => 'Trả lời chưa giải quyết được',
  reopenHint: () => 'Nếu câu trả lời chưa giải quyết được kiến nghị, Ông/Bà chọn "Trả lời chưa giải quyết được".',
  reopenNote: () => 'cử tri cho biết trả lời chưa giải quyết được kiến nghị',
  reopened: (code: string) =>
    `Chúng tôi đã ghi nhận: câu trả lời chưa giải quyết được kiến nghị ${code}. ` +
    'Kiến nghị được tiếp tục theo dõi, đôn đốc cơ quan có thẩm quyền giải quyết.',
  reopenNotAnswered: (code: string) => `Kiến nghị ${code} chưa có trả lời hoặc đang được tiếp tục theo dõi.`,
  reopenUnknown: (code: string) => `Không tìm thấy ý kiến ${code} của Ông/Bà.`,
  noData: () => 'Chúng tôi không lưu dữ liệu nào về Ông/Bà.',
  myData: (
    voter: {
      channel: string;
      name: string | null;
      ward: string | null;
      phone: string | null;
      consent: string;
      consentAt: Date | null;
      createdAt: Date;
      petitions: { trackingCode: string; status: string; receivedAt: Date; textNormalized: string }[];
    },
    timeZone: string,
  ) =>
    [
      'Dữ liệu chúng tôi lưu về Ông/Bà:',
      `• Kênh: ${voter.channel}, từ ${formatDateTime(voter.createdAt, timeZone)}`,
      `• Họ tên: ${voter.name ?? 'không lưu'}`,
      `• Phường/xã: ${voter.ward ?? 'không lưu'}`,
      `• Số điện thoại: ${voter.phone ?? 'không lưu'}`,
      `• Đồng ý xử lý dữ liệu: ${CONSENT_LABELS[voter.consent] ?? voter.consent}` +
        (voter.consentAt ? ` (${formatDateTime(voter.consentAt, timeZone)})` : ''),
      voter.petitions.length ? `• Ý kiến đã gửi (${voter.petitions.length}):` : '• Chưa có ý kiến nào gắn với Ông/Bà.',
      ...voter.petitions.map(
        (p) =>
          `  ${p.trackingCode} — ${STATUS_LABELS[p.status] ?? p.status} — ${formatDateTime(p.receivedAt, timeZone)}: ` +
          excerpt(p.textNormalized, 80),
      ),
      'Xóa dữ liệu cá nhân: /xoadulieu. Xem chi tiết một ý kiến: /tracuu <mã>.',
    ].join('\n'),
};

const CONSENT_LABELS: Record<string, string> = {
  none: 'chưa',
  agreed: 'đã đồng ý, có nêu tên',
  anonymous: 'đã đồng ý, gửi ẩn danh',
  withdrawn: 'đã rút lại',
};

/** The notice's line on files read by machine: a voice or a photographed page cannot be redacted before it is read. */
function mediaNotice(reads: MediaReads): string {
  const files = [reads.voice ? 'tin nhắn thoại' : '', reads.photo ? 'ảnh' : ''].filter(Boolean).join(' và ');
  if (!files) return '';
  const servers = [reads.voice ? 'chuyển lời nói thành văn bản' : '', reads.photo ? 'đọc ảnh' : '']
    .filter(Boolean)
    .join(', ');
  return (
    `• ${files[0]!.toUpperCase()}${files.slice(1)} của Ông/Bà được gửi tới máy chủ ${servers} do cơ quan ` +
    'cấu hình để đọc nội dung; thông tin cá nhân trong đó không thể xóa trước khi gửi.\n'
  );
}
