// Splitting minutes and compiled lists into petitions. Every block ends up in a petition or
// in the skipped list with its reason: the preamble (before the first petition), headings,
// the deputies' or officials' answers, the closing, a list's header and rows without content.
import { answerKey } from '../core/text.ts';
import { columnsOfHeader, columnsWithoutHeader, type ColumnIndexes, type ColumnMap } from './columns.ts';
import type { Block, Paragraph, Table, TableRow } from './read.ts';
import { parseSpeech, trailingAttribution, votersInCell, type Speech } from './speakers.ts';

export type SkipReason = 'preamble' | 'heading' | 'answer' | 'closing' | 'header_row' | 'no_content';

/** The reasons in words, for the preview. */
export const SKIP_REASON_LABELS: Record<SkipReason, string> = {
  preamble: 'phần mở đầu',
  heading: 'tiêu đề mục',
  answer: 'trả lời, giải trình',
  closing: 'phần kết thúc',
  header_row: 'dòng tiêu đề bảng',
  no_content: 'không có nội dung kiến nghị',
};

export interface SplitItem {
  position: string;
  speaker: string | null;
  area: string | null;
  text: string;
  voters: number;
  /** the heading the item stands under (field or authority level), as written */
  section: string | null;
}

export interface Skipped {
  position: string;
  reason: SkipReason;
  excerpt: string;
}

export interface SplitResult {
  items: SplitItem[];
  skipped: Skipped[];
}

const EXCERPT_CHARS = 80;
const HEADING_MAX_CHARS = 150;

const excerptOf = (text: string) =>
  text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1).trimEnd()}…` : text;

type Marker = { kind: 'number'; depth: number; label: string } | { kind: 'letter' | 'bullet'; label: string };

const MARKER = /^(?:(\d+(?:\.\d+)+)\.?|(\d+)[.)]|\((\d+)\)|([a-zđ])[.)]|([-–—•+*·]))\s+/u;
const HEADING_MARKER = /^(?:[IVXLC]+|[A-ZĐ])[.)/]\s+/u;
const HEADING_WORDS =
  /^(?:về\s|lĩnh vực|nhóm|thuộc thẩm quyền|kiến nghị thuộc|(?:các )?(?:ý kiến,? )?kiến nghị (?:thuộc|gửi|đối với|với|liên quan)|cấp (?:trung ương|tỉnh|thành phố|huyện|quận|xã|phường))/iu;
const PETITION_SECTION = /ý kiến|kiến nghị|phản ánh|lĩnh vực|thẩm quyền|cấp (?:trung ương|tỉnh|thành phố|xã|phường)/iu;
/** The document's own title ("BIÊN BẢN …", "BÁO CÁO TỔNG HỢP …"): still the preamble. */
const DOCUMENT_TITLE = /^(?:biên bản|báo cáo|danh sách|tổng hợp|kính gửi)(?![\p{L}])/iu;
const ANSWER_WORDS = /(?:trả lời|giải trình|tiếp thu|làm rõ|thông tin (?:lại|thêm)|phúc đáp|giải đáp)/iu;
const OFFICIAL =
  /^(?:đại biểu|đb|đồng chí|đ\/c|lãnh đạo|đại diện|chủ tịch|phó chủ tịch|thay mặt|giám đốc|trưởng|phó trưởng)(?![\p{L}])/iu;
const CLOSING =
  /^(?:hội nghị (?:kết thúc|bế mạc)|buổi tiếp xúc (?:cử tri )?kết thúc|kết thúc hội nghị|biên bản (?:này )?(?:được lập|kết thúc|đã được|lập xong)|(?:.{0,80})phát biểu (?:kết luận|bế mạc)|thư ký|chủ tọa|người ghi biên bản|nơi nhận|t\/m|tm\.|xác nhận của)/iu;
const PREAMBLE_ITEM =
  /^(?:thời gian|địa điểm|thành phần|chủ trì|chủ tọa|thư ký|tham dự|đại biểu|khách mời|số lượng|chương trình|hình thức|mục đích)(?![\p{L}])/iu;
const PETITION_START = /^(?:đề nghị|kiến nghị|phản ánh|cử tri|đề xuất|yêu cầu|mong muốn)(?![\p{L}])/iu;
const NEXT_PETITION =
  /^(?:đồng thời|ngoài ra|bên cạnh đó|thứ (?:hai|ba|tư|năm|sáu|bảy|tám|chín|mười)|(?:cử tri|ông|bà) cũng|cũng (?:đề nghị|kiến nghị|phản ánh)|đề nghị|kiến nghị)(?![\p{L}])/iu;
const ENUMERATION = /(?:^|[\s:;,.])(?:thứ (?:nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)|\(\d+\)|\d+\))[,:]?\s+/giu;

function readMarker(text: string): { marker: Marker | null; rest: string } {
  const match = MARKER.exec(text);
  if (!match) return { marker: null, rest: text };
  const [all, dotted, number, bracketed, letter] = match;
  const rest = text.slice(all.length);
  if (dotted) return { marker: { kind: 'number', depth: dotted.split('.').length, label: dotted }, rest };
  if (number || bracketed) return { marker: { kind: 'number', depth: 1, label: (number ?? bracketed)! }, rest };
  if (letter) return { marker: { kind: 'letter', label: letter }, rest };
  return { marker: { kind: 'bullet', label: '' }, rest };
}

function isAllCaps(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, '');
  return letters.length >= 4 && letters === letters.toUpperCase() && /\s/.test(text.trim());
}

function looksLikeHeading(paragraph: Paragraph, text: string): boolean {
  if (text.length > HEADING_MAX_CHARS || parseSpeech(text)) return false;
  if (paragraph.heading || HEADING_MARKER.test(paragraph.text) || isAllCaps(text)) return true;
  return HEADING_WORDS.test(text) && text.length <= 100 && !/[.?!;]$/.test(text);
}

function isAnswer(text: string): boolean {
  if (/^(?:nhiều |các )?cử tri(?![\p{L}])/iu.test(text)) return false;
  const lead = text.split(':', 1)[0]!.slice(0, 160);
  if (
    ANSWER_WORDS.test(lead) &&
    (OFFICIAL.test(text) || /^(?:ông|bà)\s/iu.test(text) || ANSWER_WORDS.test(text.slice(0, 30)))
  )
    return true;
  return OFFICIAL.test(text) && /(?:phát biểu|cho biết|ghi nhận|thông tin)/iu.test(lead);
}

/** Speakers of a line, ready to store: names joined, area as written. */
function speakerOf(speech: Speech): { speaker: string | null; area: string | null; voters: number } {
  return { speaker: speech.names.length ? speech.names.join('; ') : null, area: speech.area, voters: speech.voters };
}

interface Turn {
  speaker: string | null;
  area: string | null;
  voters: number;
  /** the marker that opened the turn: items below it belong to the speaker */
  marker: Marker | null;
}

/** Splits the blocks of one document; `columns` maps a list's columns (see columns.ts). */
export function splitBlocks(blocks: Block[], columns: ColumnMap = {}): SplitResult {
  const splitter = new Splitter(columns);
  for (const block of blocks) {
    if (block.kind === 'paragraph') splitter.paragraph(block);
    else splitter.table(block);
  }
  splitter.flush();
  splitter.endTurn();
  return { items: mergeSame(splitter.items), skipped: splitter.skipped };
}

class Splitter {
  readonly items: SplitItem[] = [];
  readonly skipped: Skipped[] = [];
  private phase: 'preamble' | 'body' | 'closing' = 'preamble';
  private current: SplitItem | null = null;
  private turn: Turn | null = null;
  private inAnswer = false;
  private section: string | null = null;
  /** Whether a plain paragraph continues the current item (a numbered one) rather than starting its own. */
  private continues = false;
  /** A speaker line whose petitions follow in the next paragraphs: skipped if none comes. */
  private leadIns: Paragraph[] = [];

  constructor(private readonly columns: ColumnMap) {}

  paragraph(paragraph: Paragraph): void {
    const { marker, rest } = readMarker(paragraph.text);
    const text = rest.trim();
    if (this.phase === 'closing') return this.skip(paragraph.position, 'closing', paragraph.text);
    if (this.phase === 'body' && CLOSING.test(text)) return this.startClosing(paragraph);
    if (looksLikeHeading(paragraph, text)) return this.heading(paragraph, text);
    if (this.phase === 'body' && isAnswer(text)) return this.answer(paragraph);
    const speech = parseSpeech(text);
    if (speech) return this.speech(paragraph, marker, speech);
    if (marker) return this.markedItem(paragraph, marker, text);
    return this.plain(paragraph, text);
  }

  private startClosing(paragraph: Paragraph): void {
    this.flush();
    this.endTurn();
    this.phase = 'closing';
    this.skip(paragraph.position, 'closing', paragraph.text);
  }

  private heading(paragraph: Paragraph, text: string): void {
    this.flush();
    this.endTurn();
    if (this.phase === 'preamble' && (!PETITION_SECTION.test(text) || DOCUMENT_TITLE.test(text)))
      return this.skip(paragraph.position, 'preamble', paragraph.text);
    // A section of answers ("Ý kiến trả lời của đại biểu") runs to the next heading.
    this.inAnswer = ANSWER_WORDS.test(text) && !/^(?:ý kiến,? )?kiến nghị/iu.test(text);
    if (this.inAnswer) return this.skip(paragraph.position, 'answer', paragraph.text);
    this.phase = 'body';
    this.section = text.replace(/:$/, '');
    this.skip(paragraph.position, 'heading', paragraph.text);
  }

  private answer(paragraph: Paragraph): void {
    this.flush();
    this.endTurn();
    this.inAnswer = true;
    this.skip(paragraph.position, 'answer', paragraph.text);
  }

  private speech(paragraph: Paragraph, marker: Marker | null, speech: Speech): void {
    this.flush();
    this.endTurn();
    this.phase = 'body';
    this.inAnswer = false;
    this.turn = { ...speakerOf(speech), marker };
    if (speech.rest) this.start(paragraph.position, marker, speech.rest);
    else this.leadIns.push(paragraph);
  }

  private markedItem(paragraph: Paragraph, marker: Marker, text: string): void {
    if (this.phase === 'preamble' && PREAMBLE_ITEM.test(text))
      return this.skip(paragraph.position, 'preamble', paragraph.text);
    this.flush();
    this.phase = 'body';
    this.inAnswer = false;
    if (this.turn && !belongsTo(marker, this.turn.marker)) this.endTurn();
    this.start(paragraph.position, marker, text);
  }

  private plain(paragraph: Paragraph, text: string): void {
    if (this.phase === 'preamble' && !PETITION_START.test(text))
      return this.skip(paragraph.position, 'preamble', paragraph.text);
    if (this.inAnswer) return this.skip(paragraph.position, 'answer', paragraph.text);
    this.phase = 'body';
    if (this.current && this.joinsCurrent(text)) return void (this.current.text += `\n${text}`);
    this.flush();
    this.start(paragraph.position, null, text);
  }

  /**
   * A speaker's turn runs on until it says "đồng thời…"; a numbered item runs on; under a
   * heading each paragraph is a petition of its own.
   */
  private joinsCurrent(text: string): boolean {
    if (this.turn) return !NEXT_PETITION.test(text);
    return this.continues;
  }

  private start(position: string, marker: Marker | null, text: string): void {
    const attributed = trailingAttribution(text);
    const own = attributed ? speakerOf(attributed.speech) : null;
    const who = own ?? this.turn ?? { speaker: null, area: null, voters: 1 };
    const label = marker && marker.kind !== 'bullet' ? `, mục ${marker.label}` : '';
    this.current = {
      position: `${position}${label}`,
      speaker: who.speaker,
      area: who.area,
      voters: who.voters,
      text: attributed ? attributed.text : text,
      section: this.section,
    };
    this.continues = marker !== null;
    this.leadIns = [];
  }

  /** Ends the item being read; a paragraph holding several enumerated petitions becomes several. */
  flush(): void {
    const item = this.current;
    this.current = null;
    this.continues = false;
    if (!item) return;
    const parts = enumerated(item.text);
    if (parts.length < 2) return void this.items.push(item);
    parts.forEach((text, index) => this.items.push({ ...item, position: `${item.position}, ý ${index + 1}`, text }));
  }

  /** Ends a speaker's turn; a speaker line that no petition followed is listed as skipped. */
  endTurn(): void {
    for (const leadIn of this.leadIns) this.skip(leadIn.position, 'no_content', leadIn.text);
    this.leadIns = [];
    this.turn = null;
  }

  private skip(position: string, reason: SkipReason, text: string): void {
    this.skipped.push({ position, reason, excerpt: excerptOf(text) });
  }

  table(table: Table): void {
    this.flush();
    this.endTurn();
    const text = table.rows.map((row) => row.cells.join(' ')).join(' ');
    // The two-column header of an official document, or a signature block after the closing.
    if (/cộng hòa xã hội|cộng hoà xã hội|độc lập\s*[-–]\s*tự do/iu.test(text) || this.phase === 'closing') {
      const reason = this.phase === 'closing' ? 'closing' : 'preamble';
      for (const row of table.rows) this.skip(row.position, reason, row.cells.filter(Boolean).join(' | '));
      return;
    }
    const columns = findColumns(table.rows, this.columns);
    if (!columns) return this.tableAsParagraphs(table);
    for (const row of table.rows.slice(0, columns.header + 1)) {
      const reason = row === table.rows[columns.header] ? 'header_row' : 'preamble';
      this.skip(row.position, reason, row.cells.filter(Boolean).join(' | '));
    }
    this.phase = 'body';
    for (const row of table.rows.slice(columns.header + 1)) this.tableRow(row, columns.indexes);
  }

  /** A table of one column, or whose columns say nothing: its rows read like paragraphs. */
  private tableAsParagraphs(table: Table): void {
    for (const row of table.rows)
      this.paragraph({
        kind: 'paragraph',
        position: row.position,
        text: row.cells.filter(Boolean).join(' '),
        heading: false,
      });
    this.flush();
  }

  private tableRow(row: TableRow, columns: ColumnIndexes): void {
    const cell = (index: number | undefined) => (index === undefined ? '' : (row.cells[index] ?? '').trim());
    const text = cell(columns.text);
    const others = row.cells.filter((c, i) => c && i !== columns.text && i !== columns.position);
    if (
      !text ||
      (others.length === 0 && looksLikeHeading({ kind: 'paragraph', position: '', text, heading: false }, text))
    ) {
      const heading = text || cell(columns.position);
      if (others.length === 0 && heading) {
        this.section = text || this.section;
        return this.skip(row.position, 'heading', row.cells.filter(Boolean).join(' | '));
      }
      return this.skip(row.position, 'no_content', row.cells.filter(Boolean).join(' | '));
    }
    const speech = parseSpeech(text);
    const attributed = speech ? null : trailingAttribution(text);
    const listed = cell(columns.speaker) ? votersInCell(cell(columns.speaker)) : null;
    const count = Number.parseInt(cell(columns.voters), 10);
    const fromText = speech ?? attributed?.speech ?? null;
    const names = listed?.names.length ? listed.names : (fromText?.names ?? []);
    const voters = Number.isFinite(count) && count > 0 ? count : Math.max(listed?.voters ?? 1, fromText?.voters ?? 1);
    const number = cell(columns.position);
    this.items.push({
      position: number ? `${row.position}, mục ${number}` : row.position,
      speaker: names.length ? names.join('; ') : null,
      area: cell(columns.area) || fromText?.area || null,
      text: speech?.rest || attributed?.text || text,
      voters,
      section: cell(columns.field) || this.section,
    });
  }
}

/** Items below a turn's marker (letters, bullets, deeper numbers) belong to its speaker. */
function belongsTo(marker: Marker, opened: Marker | null): boolean {
  if (marker.kind !== 'number') return true;
  if (!opened) return true;
  return opened.kind === 'number' && marker.depth > opened.depth;
}

/** "…: thứ nhất, …; thứ hai, …" or "(1) … (2) …": several petitions in one paragraph. */
function enumerated(text: string): string[] {
  const marks = [...text.matchAll(ENUMERATION)];
  if (marks.length < 2) return [text];
  const lead = text.slice(0, marks[0]!.index).trim();
  const parts = marks.map((mark, i) =>
    text
      .slice(mark.index + mark[0].length, marks[i + 1]?.index ?? text.length)
      .trim()
      .replace(/[;,]$/, ''),
  );
  return parts.filter((part) => part.length > 0).map((part) => (lead ? `${lead} ${part}` : part));
}

/**
 * The header row among a table's first rows, with the columns it names; without a header,
 * a two-column table of number and text or text and speaker is read from its shape.
 */
function findColumns(rows: TableRow[], map: ColumnMap): { header: number; indexes: ColumnIndexes } | null {
  for (const [index, row] of rows.slice(0, 15).entries()) {
    const indexes = columnsOfHeader(row.cells, map);
    if (indexes) return { header: index, indexes };
  }
  const byReference = columnsWithoutHeader(map);
  if (byReference) return { header: -1, indexes: byReference };
  return columnsFromShape(rows);
}

function columnsFromShape(rows: TableRow[]): { header: number; indexes: ColumnIndexes } | null {
  const width = Math.max(0, ...rows.map((row) => row.cells.length));
  if (width < 2 || rows.length === 0) return null;
  const averages = Array.from({ length: width }, (_, column) => {
    const cells = rows.map((row) => row.cells[column] ?? '');
    return cells.reduce((sum, c) => sum + c.length, 0) / cells.length;
  });
  const text = averages.indexOf(Math.max(...averages));
  const numbers = Array.from(
    { length: width },
    (_, column) => rows.filter((row) => /^[\dIVXLC]+(?:\.\d+)*\.?$/u.test(row.cells[column] ?? '')).length,
  );
  const position = numbers.findIndex((n, column) => column !== text && n >= rows.length / 2);
  const speaker = averages.findIndex((_, column) => column !== text && column !== position);
  return {
    header: -1,
    indexes: {
      text,
      ...(position >= 0 ? { position } : {}),
      ...(speaker >= 0 ? { speaker } : {}),
    },
  };
}

/** Words that open a petition without changing what it asks ("đề nghị", "cũng kiến nghị"). */
const LEADING_VERBS = /^(?:(?:dong thoi|ngoai ra|cung|tiep tuc) )*(?:de nghi|kien nghi|phan anh|de xuat) /;

/** The same petition written twice in one document (two speakers) is one petition with both counted. */
function mergeSame(items: SplitItem[]): SplitItem[] {
  const byKey = new Map<string, SplitItem>();
  const merged: SplitItem[] = [];
  for (const item of items) {
    const key = answerKey(item.text).replace(LEADING_VERBS, '');
    const first = byKey.get(key);
    if (!first) {
      byKey.set(key, item);
      merged.push(item);
      continue;
    }
    first.voters += item.voters;
    if (item.speaker && first.speaker !== item.speaker)
      first.speaker = first.speaker ? `${first.speaker}; ${item.speaker}` : item.speaker;
  }
  return merged;
}
