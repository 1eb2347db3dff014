// Reading a meeting's minutes or compiled list into plain blocks: paragraphs (with a hint
// when Word marks them as headings) and tables as rows of cells. What the blocks say is
// worked out in split.ts; nothing here drops text.
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { documentText } from '../followup/extract.ts';

/** A paragraph of running text; `heading` when the document styles it as one (or it is all bold). */
export interface Paragraph {
  kind: 'paragraph';
  position: string;
  text: string;
  heading: boolean;
}

export interface TableRow {
  position: string;
  cells: string[];
}

export interface Table {
  kind: 'table';
  rows: TableRow[];
}

export type Block = Paragraph | Table;

export class SourceError extends Error {}

/** Reads a file's content into blocks, by its extension (anything else is read as plain text). */
export async function readSource(content: Buffer, fileName: string): Promise<Block[]> {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.docx') return readDocx(content);
  if (ext === '.xlsx') return readXlsx(content);
  if (ext === '.csv') return readCsv(content.toString('utf8'));
  // A PDF with a text layer reads as plain text, a line a paragraph.
  if (ext === '.pdf') return readText(await documentText(fileName, content));
  if (ext === '.doc' || ext === '.xls')
    throw new SourceError(`Định dạng ${ext} cũ chưa hỗ trợ: lưu lại thành ${ext}x.`);
  return readText(content.toString('utf8'));
}

/** Plain text: one paragraph a line. */
export function readText(text: string): Block[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r\n?|\n/)
    .map((line, index) => ({ line: line.trim(), index }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, index }) => ({ kind: 'paragraph', position: `dòng ${index + 1}`, text: line, heading: false }));
}

function readCsv(text: string): Block[] {
  const sample = text.split('\n', 1)[0] ?? '';
  const delimiter = [';', '\t', ','].reduce((best, d) => (count(sample, d) > count(sample, best) ? d : best), ',');
  const records = parseCsv(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: false });
  return [asTable((records as string[][]).map((cells, index) => ({ position: `dòng ${index + 1}`, cells })))];
}

const count = (text: string, char: string) => text.split(char).length - 1;

async function readXlsx(content: Buffer): Promise<Block[]> {
  // The Excel and Word readers load with the first file of their kind, not with the bot.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const several = workbook.worksheets.length > 1;
  return workbook.worksheets.map((sheet) => {
    const rows: TableRow[] = [];
    sheet.eachRow({ includeEmpty: false }, (row, number) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => (cells[column - 1] = cell.text ?? ''));
      rows.push({ position: several ? `${sheet.name}, dòng ${number}` : `dòng ${number}`, cells: [...cells] });
    });
    return asTable(rows);
  });
}

function asTable(rows: TableRow[]): Table {
  const cleaned = rows.map((row) => ({ position: row.position, cells: row.cells.map((c) => tidy(c ?? '')) }));
  return { kind: 'table', rows: cleaned.filter((row) => row.cells.some((c) => c.length > 0)) };
}

const tidy = (text: string) =>
  text
    .replace(/[ \t\u00A0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();

/** Word documents through mammoth's HTML, whose few tags (p, h1-h6, li, table, strong) carry all we need. */
async function readDocx(content: Buffer): Promise<Block[]> {
  const { default: mammoth } = await import('mammoth');
  const { value } = await mammoth.convertToHtml({ buffer: content });
  return blocksOfHtml(value);
}

const TOKEN = /<(\/?)([a-z0-9]+)\b[^>]*>|([^<]+)/gi;

interface Builder {
  blocks: Block[];
  text: string;
  /** characters of the current paragraph outside bold */
  plain: number;
  bold: number;
  heading: boolean;
  paragraphs: number;
  tables: number;
  table: { rows: TableRow[]; cells: string[]; cell: string | null; depth: number } | null;
}

function blocksOfHtml(html: string): Block[] {
  const b: Builder = { blocks: [], text: '', plain: 0, bold: 0, heading: false, paragraphs: 0, tables: 0, table: null };
  for (const match of html.matchAll(TOKEN)) {
    const [, closing, rawTag, text] = match;
    if (text !== undefined) addText(b, decodeEntities(text));
    else onTag(b, rawTag!.toLowerCase(), closing === '/');
  }
  endParagraph(b);
  return b.blocks;
}

function onTag(b: Builder, tag: string, closing: boolean): void {
  if (tag === 'table') return closing ? endTable(b) : startTable(b);
  if (b.table) return onTableTag(b, tag, closing);
  if (tag === 'strong') b.bold += closing ? -1 : 1;
  else if (tag === 'br') b.text += '\n';
  else if (tag === 'p' || tag === 'li' || /^h[1-6]$/.test(tag)) {
    endParagraph(b);
    if (!closing) b.heading = tag.startsWith('h');
  }
}

function onTableTag(b: Builder, tag: string, closing: boolean): void {
  const table = b.table!;
  if (table.depth > 1) return;
  if (tag === 'tr' && closing) {
    if (table.cell !== null) table.cells.push(tidy(table.cell));
    table.rows.push({ position: `bảng ${b.tables}, dòng ${table.rows.length + 1}`, cells: table.cells });
    table.cells = [];
    table.cell = null;
  } else if (tag === 'td' || tag === 'th') {
    if (table.cell !== null) table.cells.push(tidy(table.cell));
    table.cell = closing ? null : '';
  } else if ((tag === 'p' || tag === 'br' || tag === 'li') && table.cell) table.cell += '\n';
}

function addText(b: Builder, text: string): void {
  if (b.table) {
    // A table nested in a cell reads as that cell's text.
    if (b.table.cell !== null) b.table.cell += text;
    return;
  }
  b.text += text;
  if (b.bold === 0) b.plain += text.replace(/\s+/g, '').length;
}

function endParagraph(b: Builder): void {
  const text = tidy(b.text);
  if (text) {
    b.paragraphs += 1;
    // A short paragraph set all in bold is how many offices mark a heading without a style.
    const allBold = b.plain === 0 && text.length <= 150;
    b.blocks.push({ kind: 'paragraph', position: `đoạn ${b.paragraphs}`, text, heading: b.heading || allBold });
  }
  b.text = '';
  b.plain = 0;
  b.heading = false;
}

function startTable(b: Builder): void {
  if (b.table) return void (b.table.depth += 1);
  endParagraph(b);
  b.tables += 1;
  b.table = { rows: [], cells: [], cell: null, depth: 1 };
}

function endTable(b: Builder): void {
  const table = b.table!;
  if (table.depth > 1) return void (table.depth -= 1);
  b.blocks.push(asTable(table.rows));
  b.table = null;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower] ?? '';
  });
}
