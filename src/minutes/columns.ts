// Columns of a list (.xlsx, .csv, a table in .docx): found by their header names, or named
// with --columns "noi dung=Ý kiến,cu tri=Người phản ánh" (a column by header or by letter).
import { answerKey } from '../core/text.ts';

export type ColumnRole = 'position' | 'text' | 'speaker' | 'area' | 'field' | 'voters';

/** What --columns says: a role to a header name, a column letter ("C") or a column number ("3"). */
export type ColumnMap = Partial<Record<ColumnRole, string>>;

export type ColumnIndexes = Partial<Record<ColumnRole, number>> & { text: number };

const MAX_HEADER_CHARS = 40;

export class ColumnsError extends Error {}

const ROLE_NAMES: Record<string, ColumnRole> = {
  stt: 'position',
  'so thu tu': 'position',
  position: 'position',
  'noi dung': 'text',
  text: 'text',
  'cu tri': 'speaker',
  'ho ten': 'speaker',
  'ho ten cu tri': 'speaker',
  speaker: 'speaker',
  'dia chi': 'area',
  area: 'area',
  'linh vuc': 'field',
  field: 'field',
  'so cu tri': 'voters',
  voters: 'voters',
};

/** The role names --columns accepts, for its help text. */
export const COLUMN_ROLE_HELP = 'stt, noi dung, cu tri, dia chi, linh vuc, so cu tri';

/**
 * Parses `role=column` pairs separated by commas or semicolons. A piece without "=" belongs
 * to the previous column name, so a header that holds a comma ("Ý kiến, kiến nghị") needs no quoting.
 */
export function parseColumnMap(spec: string | undefined): ColumnMap {
  const map: ColumnMap = {};
  if (!spec?.trim()) return map;
  let last: ColumnRole | null = null;
  for (const piece of spec.split(/[,;]/)) {
    const equals = piece.indexOf('=');
    if (equals < 0) {
      if (!last) throw new ColumnsError(`--columns: thiếu "tên cột=tiêu đề" ở "${piece.trim()}".`);
      map[last] = `${map[last]}, ${piece.trim()}`;
      continue;
    }
    const role = ROLE_NAMES[answerKey(piece.slice(0, equals))];
    const column = piece.slice(equals + 1).trim();
    if (!role)
      throw new ColumnsError(`--columns: không rõ "${piece.slice(0, equals).trim()}" (dùng ${COLUMN_ROLE_HELP}).`);
    if (!column) throw new ColumnsError(`--columns: thiếu tiêu đề cột cho "${piece.slice(0, equals).trim()}".`);
    map[role] = column;
    last = role;
  }
  return map;
}

/** The role a header names by itself ("STT", "Nội dung kiến nghị", "Họ tên cử tri", "Địa chỉ", "Lĩnh vực"). */
export function roleOfHeader(header: string): ColumnRole | null {
  const key = answerKey(header);
  if (!key) return null;
  if (/^(stt|tt|so tt|so thu tu)$/.test(key)) return 'position';
  if (/^so (luong )?(cu tri|nguoi|luot)/.test(key)) return 'voters';
  if (/^(ho (va )?ten|cu tri$|ten cu tri|nguoi (phan anh|kien nghi|neu|de nghi))/.test(key)) return 'speaker';
  if (/^(dia chi|noi o|noi cu tru|dia ban|khu pho|to dan pho|phuong xa)/.test(key)) return 'area';
  if (/^(linh vuc|nhom|chu de)/.test(key)) return 'field';
  if (/(noi dung|y kien|kien nghi|phan anh)/.test(key)) return 'text';
  return null;
}

/** "C" -> 2, "3" -> 2; null for a header name. */
function columnByReference(reference: string): number | null {
  if (/^\d{1,3}$/.test(reference)) return Number(reference) - 1;
  if (/^[A-Z]{1,2}$/.test(reference))
    return [...reference].reduce((n, letter) => n * 26 + letter.charCodeAt(0) - 64, 0) - 1;
  return null;
}

/**
 * The columns of a header row: named ones first, then recognised headers. Null when the row
 * holds no text column (it is not the header).
 */
export function columnsOfHeader(cells: string[], map: ColumnMap): ColumnIndexes | null {
  const found: Partial<Record<ColumnRole, number>> = {};
  const keys = cells.map(answerKey);
  let named = 0;
  for (const [role, reference] of Object.entries(map) as [ColumnRole, string][]) {
    const byName = keys.indexOf(answerKey(reference));
    if (byName >= 0) named += 1;
    const index = byName >= 0 ? byName : columnByReference(reference);
    if (index !== null) found[role] = index;
  }
  const taken = new Set(Object.values(found));
  for (const [index, cell] of cells.entries()) {
    // A title row above the list ("DANH SÁCH Ý KIẾN CỬ TRI …") is no header: headers are short.
    const role = cell.length <= MAX_HEADER_CHARS ? roleOfHeader(cell) : null;
    if (role && found[role] === undefined && !taken.has(index)) {
      found[role] = index;
      taken.add(index);
      named += 1;
    }
  }
  const filled = cells.filter((cell) => cell.trim()).length;
  if (named < Math.min(2, filled) || found.text === undefined) return null;
  return { ...found, text: found.text };
}

/** Columns given only by letter or number: the list then needs no header row. */
export function columnsWithoutHeader(map: ColumnMap): ColumnIndexes | null {
  const found: Partial<Record<ColumnRole, number>> = {};
  for (const [role, reference] of Object.entries(map) as [ColumnRole, string][]) {
    const index = columnByReference(reference);
    if (index === null) return null;
    found[role] = index;
  }
  return found.text === undefined ? null : { ...found, text: found.text };
}
