// Personal data with a recognisable shape: phone, ID, account and plate numbers, e-mail addresses,
// dates of birth and house numbers. Each pattern is compiled once; the part to remove is the whole match or,
// where a cue word stays ("CCCD", "sinh năm", "số nhà"), the named group `v`.

/** What kind of personal data a stretch of text holds; it decides the placeholder. */
export type PersonalDataKind = 'name' | 'phone' | 'id' | 'email' | 'account' | 'plate' | 'dob' | 'house';

interface Pattern {
  kind: PersonalDataKind;
  regex: RegExp;
  /** Further checks on a match that the expression cannot make. */
  accept?: (value: string, text: string, start: number, end: number) => boolean;
  /** The expression can match a text without an ASCII digit (every other one needs a \d). */
  withoutDigits?: true;
}

/** A found stretch [start, end) and its kind. */
export interface Found {
  start: number;
  end: number;
  kind: PersonalDataKind;
  /** Precedence when findings overlap: the lowest names the merged stretch. */
  rank: number;
}

const B = String.raw`(?<![\p{L}\p{N}])`;
const E = String.raw`(?![\p{L}\p{N}])`;
const NOT_AFTER_NUMBER = String.raw`(?<![\p{N}]|\p{N}[.,/])`;
const NOT_BEFORE_NUMBER = String.raw`(?!\p{N}|[.,/-]\p{N})`;
const GAP = String.raw`(?:[ .]|\s?[-–]\s?)?`;
const digits = (count: string) => String.raw`(?:${GAP}\d)${count}`;

// A number followed by a unit or a currency is an amount or a measure, never personal data.
const UNIT_AFTER =
  /^\s*(?:đồng|đ(?![\p{L}])|vnđ|vnd|₫|triệu|tỷ|tỉ|nghìn|ngàn|usd|m2|m²|m3|ha(?![\p{L}])|km|%|hộ|người|lượt)/iu;
const notAmount = (_value: string, text: string, _start: number, end: number) =>
  !UNIT_AFTER.test(text.slice(end, end + 8));

const re = (source: string, flags = 'dgu') => new RegExp(source, flags);

const EMAIL_AT = String.raw`(?:\s?@\s?|\s?\(a\)\s?|\s?\[a\]\s?|\s?\(at\)\s?|\s?\[at\]\s?|\s?\{at\}\s?| at | AT )`;
const EMAIL_DOT = String.raw`(?:\.|\s?\(dot\)\s?|\s?\[dot\]\s?| dot | chấm )`;
const EMAIL = re(
  String.raw`(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}][\p{L}\p{N}._%+-]*${EMAIL_AT}[A-Za-z0-9-]+(?:${EMAIL_DOT}[A-Za-z0-9-]+)*${EMAIL_DOT}(?:com|vn|net|org|edu|gov|info|biz|io|me|co|us|uk)(?![A-Za-z0-9])`,
  'dgiu',
);

// Mobile: 0 + 3/5/7/8/9 + 8 digits; landline: 02x(x) + 8 (7) digits; or +84 / 0084 / 84 without the 0.
const PHONE = re(
  NOT_AFTER_NUMBER +
    String.raw`(?:` +
    String.raw`0${GAP}[35789]${digits('{8}')}` +
    String.raw`|0${GAP}2${digits('{9}')}` +
    String.raw`|\(0?2\d{1,2}\)\s?\d${digits('{6,7}')}` +
    String.raw`|(?:\(\+?84\)|\+\s?84|0084|84)${GAP}(?:\(0\)${GAP})?(?:[35789]${digits('{8}')}|2${digits('{9}')})` +
    String.raw`)` +
    NOT_BEFORE_NUMBER,
);

const ID_CUE = String.raw`(?:số\s+)?(?:cccd|cmnd|cmtnd|căn cước(?: công dân)?|can cuoc(?: cong dan)?|giấy chứng minh(?: nhân dân)?|chứng minh(?: nhân dân| thư)?|chung minh(?: nhan dan| thu)?|hộ chiếu|ho chieu|passport|mã số thuế(?: cá nhân)?|ma so thue|mst|(?:mã số|mã|số|sổ|so|ma so|ma)\s+(?:bhxh|bhyt|bảo hiểm xã hội|bảo hiểm y tế|bao hiem xa hoi)|bhxh|bhyt|thẻ bhyt|số định danh(?: cá nhân)?|so dinh danh|mã định danh|định danh cá nhân)`;
const CUE_SEPARATOR = String.raw`(?:\s*(?:số|so|là|la|#|no\.?)(?![\p{L}]))*\s*[:.]?\s*`;
const ID_WITH_CUE = re(
  B + ID_CUE + CUE_SEPARATOR + String.raw`(?<v>(?:[A-Z]{1,3}\s?)?\d(?:[ .-]?\d){5,18})` + NOT_BEFORE_NUMBER,
  'dgiu',
);
const PASSPORT = re(String.raw`(?<![\p{L}\p{N}])[A-Z]\d{7}${E}`);
// Nine to nineteen digits in a row: ID, tax, insurance or account numbers; no amount is written that way.
const LONG_NUMBER = re(NOT_AFTER_NUMBER + String.raw`(?<![-/])\d{9,19}(?:-\d{3})?` + NOT_BEFORE_NUMBER);
// CMND and CCCD grouped in threes or fours by spaces or dashes; dots group amounts too, but no amount starts with 0.
const GROUPED_ID = re(
  NOT_AFTER_NUMBER +
    String.raw`(?<![-/])(?:\d{3}[ -]\d{3}[ -]\d{3}(?:[ -]\d{3})?|\d{4}[ -]\d{4}[ -]\d{4}|0\d{2}\.\d{3}\.\d{3}(?:\.\d{3})?|0\d{3}\.\d{4}\.\d{4})` +
    NOT_BEFORE_NUMBER,
);

const BANKS = String.raw`vietcombank|vcb|agribank|bidv|techcombank|tcb|vietinbank|mb|mbbank|mb bank|acb|sacombank|vpbank|tpbank|shb|hdbank|vib|ocb|seabank|eximbank|msb|lpbank|lienvietpostbank|nam a bank|abbank|bac a bank|pvcombank|kienlongbank|cake|timo`;
const ACCOUNT_CUE = String.raw`(?:số tài khoản|so tai khoan|số tk|so tk|tài khoản(?: ngân hàng)?|tai khoan(?: ngan hang)?|stk|tk|account|acc|${BANKS})`;
const BANK_WORDS = String.raw`(?:\s+(?:ngân hàng|ngan hang|nh|tại|tai|của|cua|mở tại|mo tai))?(?:\s+[\p{Lu}][\p{L}]*(?:\s+[\p{Lu}][\p{L}]*){0,2})?`;
const ACCOUNT = re(
  B + ACCOUNT_CUE + BANK_WORDS + CUE_SEPARATOR + String.raw`(?<v>\d(?:[ .-]?\d){5,18})` + NOT_BEFORE_NUMBER,
  'dgiu',
);

const PLATE_BODY = String.raw`\d{2}\s?-?\s?[A-Z]{1,2}\d?(?:\s?[-.]\s?|\s)?(?:\d{3}\.\d{2}|\d{4,5})`;
const PLATE = re(String.raw`(?<![\p{L}\p{N}])${PLATE_BODY}` + NOT_BEFORE_NUMBER);
const PLATE_WITH_CUE = re(
  B +
    String.raw`(?:biển số(?: xe)?|bien so(?: xe)?|biển kiểm soát|bks|bsx)\s*:?\s*(?<v>\d{2}\s?-?\s?[a-z]{1,2}\d?(?:\s?[-.]\s?|\s)?(?:\d{3}\.\d{2}|\d{4,5}))` +
    NOT_BEFORE_NUMBER,
  'dgiu',
);

const DATE_VALUE = String.raw`(?:ngày\s+)?\d{1,2}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?\d{2,4}|(?:ngày\s+)?\d{1,2}\s+tháng\s+\d{1,2}(?:\s*(?:năm|,)\s*\d{4})?|(?:tháng\s+)?\d{1,2}\s?[/.-]\s?(?:19|20)\d{2}|(?:19|20)\d{2}`;
const DOB = re(
  String.raw`(?<![\p{L}])(?<!học\s|hoc\s)(?:sinh năm|sinh ngày|sinh vào năm|sinh vào ngày|sinh tháng|năm sinh|ngày sinh|ngày tháng năm sinh|ngày, tháng, năm sinh|sinh nam|sinh ngay|ngay sinh|nam sinh(?=\s*:)|dob)\s*(?::|là|la)?\s*(?<v>${DATE_VALUE})${NOT_BEFORE_NUMBER}`,
  'dgiu',
);
const DOB_SHORT = re(String.raw`(?<![\p{L}])(?:SN|NS)\s*:?\s*(?<v>${DATE_VALUE})${NOT_BEFORE_NUMBER}`, 'dgu');

const HOUSE = String.raw`\d{1,4}[A-Za-z]?(?:\s?[/-]\s?\d{1,4}[A-Za-z]?){0,3}`;
const STREET_WORD = String.raw`(?:ngõ|ngách|hẻm|kiệt|phố|đường|đ\.|ngo|ngach|hem|kiet|pho|duong)(?![\p{L}])`;
const LOCALITY_WORD = String.raw`(?:${STREET_WORD}|(?:quốc lộ|tỉnh lộ|ql|tl|khu phố|kp|tổ|thôn|xóm|ấp|khóm|to|thon|xom|ap)(?![\p{L}]))`;
// "số nhà 45/12", "nhà số 7", "SN 45" (when not a year of birth).
const HOUSE_WITH_CUE = re(
  String.raw`(?<![\p{L}])(?:số nhà|so nha|nhà số|nha so|căn nhà số|nhà riêng số)\s*:?\s*(?<v>${HOUSE})${NOT_BEFORE_NUMBER}`,
  'dgiu',
);
const HOUSE_SN = re(String.raw`(?<![\p{L}])SN\s*:?\s*(?<v>${HOUSE})${NOT_BEFORE_NUMBER}(?!\s*[/.-])`, 'dgu');
// "nhà 7 ngõ 34", "số 12 ngõ 34 phố Tây Sơn", "số 5, tổ 3": the number before a street or a locality word.
const HOUSE_AFTER_NUMBER_WORD = re(
  String.raw`(?<![\p{L}])(?:nhà|nha|số|so)\s*:?\s*(?<v>${HOUSE})${NOT_BEFORE_NUMBER}(?=,?\s+${LOCALITY_WORD}\s+(?:\p{Lu}|\d))`,
  'dgiu',
);
// "tại 45 đường Láng", "địa chỉ: 12 phố Huế", ", 45 ngõ Văn Chương": a plain number only before a street word.
const HOUSE_BEFORE_STREET = re(
  String.raw`(?:(?<![\p{L}])(?:tại|tai|ở|o|địa chỉ|dia chi|đ\/c|đc|trú|ngụ|thường trú|tạm trú)\s*:?\s*|^|[\n,(]\s*)(?<v>${HOUSE})${NOT_BEFORE_NUMBER}(?=,?\s+${STREET_WORD}\s+(?:\p{Lu}|\d))`,
  'dgimu',
);
// "45/12 đường Láng", "12A phố Huế", "45/12 Nguyễn Trãi": a house number by its own shape.
const HOUSE_BY_SHAPE = re(
  String.raw`(?<![\p{L}\p{N}/.-])(?<v>\d{1,4}[A-Z]?(?:/\d{1,4}[A-Z]?){1,3}|\d{1,4}[A-Z])(?![\p{L}\p{N}/.-])(?=,?\s+(?:\p{Lu}\p{Ll}*\s+\p{Lu}|${STREET_WORD}))`,
  'dgu',
);
// "căn hộ 1203", "phòng 12A05", "P.1203 tòa A".
const APARTMENT = re(
  String.raw`(?<![\p{L}])(?:căn hộ|can ho|căn|phòng|phong|ch)\s*(?:số\s*)?:?\s*(?<v>(?:[A-Z]{1,2}\d?[.-])?(?:\d{3,4}[A-Z]?\d{0,3}|\d{1,2}[A-Z]\d{2,3}))${E}`,
  'dgiu',
);
const APARTMENT_P = re(String.raw`(?<![\p{L}\p{N}])P\.?\s?(?<v>\d{3,4}[A-Z]?\d{0,2})${E}`, 'dgu');
// The number of a document, a parcel, a unit or a lane is no house number even before a street word.
const NOT_HOUSE_BEFORE = new RegExp(
  String.raw`(?:quyết định|nghị định|nghị quyết|chỉ thị|thông tư|công văn|văn bản|thông báo|tờ trình|kế hoạch|báo cáo|` +
    String.raw`biên bản|kết luận|đơn|hồ sơ|giấy|thửa(?: đất)?|tờ bản đồ|tờ|tổ|khu phố|ấp|thôn|xóm|phường|quận|đội|khóm|` +
    String.raw`ngõ|ngách|hẻm|kiệt|phố|đường|lộ|ql|tl|km|phòng|ngày|tháng|năm|luật|điều|khoản|mục|kỳ|họp|phiên|lần|từ|đến)$`,
  'iu',
);
const BEFORE_NUMBER_CUE = /\s*(?:số|so|nhà|nha)?\s*:?\s*$/iu;
const notDocumentNumber = (_value: string, text: string, start: number) =>
  !NOT_HOUSE_BEFORE.test(text.slice(Math.max(0, start - 24), start).replace(BEFORE_NUMBER_CUE, ''));
// "12/3 Ban Quản lý", "8/3/2026, Hội ...": a date before capitals, unless an address cue or a street word is there.
const DATE_LIKE = /^(?:[1-9]|[012]\d|3[01])\/(?:0?[1-9]|1[0-2])(?:\/(?:19|20)?\d{2})?$/;
const STREET_NEXT = new RegExp(String.raw`^,?\s+${STREET_WORD}`, 'iu');
const ADDRESS_CUE_BEFORE = /(?:địa chỉ|dia chi|đ\/c|tại|ở|nhà|trú|ngụ|số)\s*:?\s*$/iu;
const houseByShape = (value: string, text: string, start: number, end: number) =>
  notDocumentNumber(value, text, start) &&
  (!DATE_LIKE.test(value) ||
    STREET_NEXT.test(text.slice(end, end + 12)) ||
    ADDRESS_CUE_BEFORE.test(text.slice(Math.max(0, start - 12), start)));
const YEAR = /^(?:19|20)\d{2}$/;

/** Patterns in order of precedence: where two overlap, the earlier one's kind wins. */
export const PATTERNS: readonly Pattern[] = [
  { kind: 'email', regex: EMAIL, withoutDigits: true },
  { kind: 'account', regex: ACCOUNT, accept: notAmount },
  { kind: 'id', regex: ID_WITH_CUE, accept: notAmount },
  { kind: 'dob', regex: DOB },
  { kind: 'dob', regex: DOB_SHORT },
  { kind: 'plate', regex: PLATE_WITH_CUE },
  { kind: 'plate', regex: PLATE },
  { kind: 'phone', regex: PHONE, accept: notAmount },
  { kind: 'id', regex: LONG_NUMBER, accept: notAmount },
  { kind: 'id', regex: GROUPED_ID, accept: notAmount },
  { kind: 'id', regex: PASSPORT },
  { kind: 'house', regex: APARTMENT, accept: notAmount },
  { kind: 'house', regex: APARTMENT_P },
  { kind: 'house', regex: HOUSE_WITH_CUE, accept: notAmount },
  { kind: 'house', regex: HOUSE_SN, accept: (value) => !YEAR.test(value) },
  { kind: 'house', regex: HOUSE_AFTER_NUMBER_WORD, accept: notDocumentNumber },
  { kind: 'house', regex: HOUSE_BEFORE_STREET, accept: notDocumentNumber },
  { kind: 'house', regex: HOUSE_BY_SHAPE, accept: houseByShape },
];

/** Every match of every pattern, unmerged. */
export function findPatterns(text: string): Found[] {
  const found: Found[] = [];
  // Most petitions hold no digit, and every pattern but the e-mail one needs one: skipping
  // them there is most of the redaction's time.
  const digits = /\d/.test(text);
  PATTERNS.forEach(({ kind, regex, accept, withoutDigits }, rank) => {
    if (!digits && !withoutDigits) return;
    regex.lastIndex = 0;
    for (const match of text.matchAll(regex)) {
      const [start, end] = match.indices?.groups?.v ?? match.indices![0]!;
      const value = text.slice(start, end);
      if (accept && !accept(value, text, start, end)) continue;
      found.push({ start, end, kind, rank });
    }
  });
  return found;
}
