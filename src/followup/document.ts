// Word building blocks of the follow-up documents (Times New Roman 13 on A4, Decree 30/2020
// layout). The header is drawn here because a forwarding letter carries its number
// ("Số: 88/ĐĐBQH-HĐND"), which officialDocument (src/reports/official.ts) leaves blank; these
// documents should use officialDocument once it takes a number.
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Config } from '../config/index.ts';
import { officialText } from '../core/messages-staff.ts';

export const FONT = 'Times New Roman';
const SIZE = 26;

type Align = (typeof AlignmentType)[keyof typeof AlignmentType];

/** One paragraph of the body text. */
export function para(text: string, options: { bold?: boolean; italics?: boolean; align?: Align } = {}): Paragraph {
  return new Paragraph({
    alignment: options.align ?? AlignmentType.JUSTIFIED,
    spacing: { after: 80 },
    children: [new TextRun({ text, bold: options.bold, italics: options.italics, font: FONT, size: SIZE })],
  });
}

const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER };

function cell(paragraphs: Paragraph[], widthPct: number, borders = true): TableCell {
  return new TableCell({
    width: { size: widthPct, type: WidthType.PERCENTAGE },
    children: paragraphs,
    ...(borders ? {} : { borders: NO_BORDERS }),
  });
}

/** A bordered table: a bold header row, then the rows; widths in percent. */
export function table(header: string[], rows: string[][], widths: number[]): Table {
  const row = (cells: string[], bold: boolean) =>
    new TableRow({
      tableHeader: bold,
      children: cells.map((text, i) =>
        cell([para(text, { bold, align: bold ? AlignmentType.CENTER : AlignmentType.LEFT })], widths[i]!),
      ),
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [row(header, true), ...rows.map((cells) => row(cells, false))],
  });
}

/** What the header, number line and signature say. */
export interface OfficialParts {
  /** "Số: …" (the number and symbol, or a blank to fill in by hand). */
  number: string;
  /** "V/v …" under the number, or the document type and title in the middle. */
  subject: string;
  title?: string;
  date: Date;
  recipients: string[];
  body: (Paragraph | Table)[];
}

/** The office's document in the Decree 30/2020 layout, packed as a .docx. */
export async function officialDocx(config: Config, parts: OfficialParts): Promise<Buffer> {
  const centred = (text: string, bold = false, italics = false) =>
    para(text, { bold, italics, align: AlignmentType.CENTER });
  const left = [
    ...(config.OFFICE_PARENT ? [centred(config.OFFICE_PARENT.toUpperCase())] : []),
    centred(config.OFFICE_NAME.toUpperCase(), true),
    centred(officialText.number(parts.number)),
    ...(parts.title ? [] : [centred(parts.subject, false, true)]),
  ];
  const right = [
    centred(officialText.nation(), true),
    centred(officialText.motto(), true),
    centred(officialText.placeDate(config.OFFICE_PLACE, parts.date, config.TZ), false, true),
  ];
  const header = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ children: [cell(left, 42, false), cell(right, 58, false)] })],
  });
  const title = parts.title ? [centred(parts.title, true), centred(parts.subject, true)] : [];
  const signature = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({
        children: [
          cell(
            [
              para(officialText.recipients(), { bold: true, italics: true, align: AlignmentType.LEFT }),
              ...parts.recipients.map((r) => para(`- ${r};`, { align: AlignmentType.LEFT })),
              para(officialText.archive(), { align: AlignmentType.LEFT }),
            ],
            50,
            false,
          ),
          cell(
            [
              centred((config.REPORT_SIGNER_TITLE ?? officialText.signerTitle()).toUpperCase(), true),
              centred(''),
              centred(''),
              centred(config.REPORT_SIGNER_NAME ?? '', true),
            ],
            50,
            false,
          ),
        ],
      }),
    ],
  });
  const document = new Document({
    styles: { default: { document: { run: { font: FONT, size: SIZE } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: 11_906, height: 16_838 },
            margin: { top: 1134, bottom: 1134, left: 1701, right: 1134 },
          },
        },
        children: [header, centred(''), ...title, ...parts.body, centred(''), signature],
      },
    ],
  });
  return Packer.toBuffer(document);
}
