// Word building blocks of the follow-up documents (forwarding letters, results reports), in the
// office's Decree 30/2020 frame (src/reports/official.ts).
import { AlignmentType, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { Config } from '../config/index.ts';
import { FONT, officialDocument, SIZE } from '../reports/official.ts';

type Align = (typeof AlignmentType)[keyof typeof AlignmentType];

/** One paragraph of the body text. */
export function para(text: string, options: { bold?: boolean; italics?: boolean; align?: Align } = {}): Paragraph {
  return new Paragraph({
    alignment: options.align ?? AlignmentType.JUSTIFIED,
    spacing: { after: 80 },
    children: [new TextRun({ text, bold: options.bold, italics: options.italics, font: FONT, size: SIZE.body })],
  });
}

/** A bordered table: a bold header row, then the rows; widths in percent. */
export function table(header: string[], rows: string[][], widths: number[]): Table {
  const row = (cells: string[], bold: boolean) =>
    new TableRow({
      tableHeader: bold,
      children: cells.map(
        (text, i) =>
          new TableCell({
            width: { size: widths[i]!, type: WidthType.PERCENTAGE },
            children: [para(text, { bold, align: bold ? AlignmentType.CENTER : AlignmentType.LEFT })],
          }),
      ),
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [row(header, true), ...rows.map((cells) => row(cells, false))],
  });
}

/** What the header, number line and signature say. */
export interface OfficialParts {
  /** The number and symbol ("88/ĐĐBQH-HĐND"), or '' for blanks to fill in by hand. */
  number: string;
  /** A letter's gist ("V/v …" under the number), or a report's subtitle under its title. */
  subject: string;
  /** A report's document type ("BÁO CÁO"); a letter has none. */
  title?: string;
  date: Date;
  recipients: string[];
  body: (Paragraph | Table)[];
}

/** The office's document in the Decree 30/2020 layout, packed as a .docx. */
export async function officialDocx(config: Config, parts: OfficialParts): Promise<Buffer> {
  const document = officialDocument({
    office: config,
    type: parts.title ?? '',
    symbol: parts.title ? 'BC' : 'CV',
    number: parts.number,
    title: parts.subject,
    body: parts.body,
    recipients: parts.recipients,
    date: parts.date,
  });
  return Packer.toBuffer(document);
}
