// The frame of an administrative document in the format of Decree 30/2020/NĐ-CP: the two-column
// header (governing body and issuing office; national name and motto), number and symbol,
// place and date, document type and title, the body, "Nơi nhận" and the signature block,
// Times New Roman on A4 with the decree's margins and page numbers from the second page.
import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Config } from '../config/index.ts';

export const FONT = 'Times New Roman';
/** Half-points: 13 pt body text, 14 pt motto and document type, 12 pt national name, 11 pt recipients. */
export const SIZE = { body: 26, large: 28, national: 24, small: 22 } as const;
const BLANK = '…………';

/** Millimetres in twips, rounded (docx's own helper truncates: A4 would lose a twip). */
const mm = (millimetres: number) => Math.round((millimetres * 1440) / 25.4);
const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' } as const;
const NO_BORDERS = {
  top: NO_BORDER,
  bottom: NO_BORDER,
  left: NO_BORDER,
  right: NO_BORDER,
  insideHorizontal: NO_BORDER,
  insideVertical: NO_BORDER,
};

/** The settings a document's header and signature come from. */
export type OfficeSettings = Pick<
  Config,
  'OFFICE_NAME' | 'OFFICE_PARENT' | 'OFFICE_PLACE' | 'REPORT_SIGNER_TITLE' | 'REPORT_SIGNER_NAME' | 'TZ'
>;

export interface OfficialDocumentInput {
  office: OfficeSettings;
  /** The document type in capitals: "BÁO CÁO", "CÔNG VĂN" (a letter shows no type line, only its gist). */
  type: string;
  /** The type's abbreviation in the number line: "BC" gives "Số: …/BC-…". */
  symbol: string;
  /** The whole number and symbol when known ("88/ĐĐBQH-HĐND"); otherwise blanks around `symbol`. */
  number?: string;
  /** The gist ("trích yếu"); a letter (empty `type`) shows it as "V/v …" under its number. */
  title: string;
  body: (Paragraph | Table)[];
  recipients: string[];
  /** The date of the place-and-date line; without it the day is left blank to fill when signed. */
  date?: Date;
  /** Shown as the document's title in its properties. */
  documentTitle?: string;
}

interface Run {
  text: string;
  bold?: boolean;
  italics?: boolean;
  size?: number;
}

/** One paragraph in Times New Roman; `size` in half-points. */
export function textParagraph(
  runs: Run | Run[],
  options: { align?: (typeof AlignmentType)[keyof typeof AlignmentType]; after?: number; before?: number } = {},
): Paragraph {
  return new Paragraph({
    alignment: options.align,
    spacing: { before: options.before ?? 0, after: options.after ?? 60 },
    children: (Array.isArray(runs) ? runs : [runs]).map(
      (run) =>
        new TextRun({ text: run.text, bold: run.bold, italics: run.italics, font: FONT, size: run.size ?? SIZE.body }),
    ),
  });
}

/** A short rule under the office name and the motto, as the decree draws it. */
function rule(): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { after: 120 },
    children: [new TextRun({ text: '――――――', font: FONT, size: SIZE.small })],
  });
}

/** "ngày 05 tháng 01 năm 2026": days under 10 and months 1-2 take a leading zero (Decree 30, appendix I). */
export function officialDate(date: Date | undefined, timeZone: string): string {
  if (!date) return `ngày ${BLANK} tháng ${BLANK} năm ${BLANK}`;
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'numeric', year: 'numeric' })
    .formatToParts(date)
    .reduce<Record<string, string>>((acc, part) => ({ ...acc, [part.type]: part.value }), {});
  const day = parts.day!.padStart(2, '0');
  const month = Number(parts.month) <= 2 ? parts.month!.padStart(2, '0') : parts.month!;
  return `ngày ${day} tháng ${month} năm ${parts.year}`;
}

function cell(children: Paragraph[], percent: number): TableCell {
  return new TableCell({ borders: NO_BORDERS, width: { size: percent, type: WidthType.PERCENTAGE }, children });
}

function twoColumns(left: Paragraph[], right: Paragraph[], leftPercent: number): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: NO_BORDERS,
    rows: [new TableRow({ children: [cell(left, leftPercent), cell(right, 100 - leftPercent)] })],
  });
}

function header(input: OfficialDocumentInput): Table {
  const { office } = input;
  const centre = { align: AlignmentType.CENTER } as const;
  const left = [
    ...(office.OFFICE_PARENT
      ? [textParagraph({ text: office.OFFICE_PARENT.toUpperCase(), size: SIZE.national }, centre)]
      : []),
    textParagraph({ text: office.OFFICE_NAME.toUpperCase(), bold: true, size: SIZE.national }, centre),
    rule(),
    textParagraph({ text: `Số: ${input.number || `${BLANK}/${input.symbol}-${BLANK}`}` }, centre),
    ...(input.type ? [] : [textParagraph({ text: `V/v ${input.title}`, size: SIZE.small }, centre)]),
  ];
  const right = [
    textParagraph({ text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', bold: true, size: SIZE.national }, centre),
    textParagraph({ text: 'Độc lập - Tự do - Hạnh phúc', bold: true, size: SIZE.large }, centre),
    rule(),
    textParagraph(
      {
        text: `${office.OFFICE_PLACE ?? BLANK}, ${officialDate(input.date, office.TZ)}`,
        italics: true,
        size: SIZE.large,
      },
      centre,
    ),
  ];
  return twoColumns(left, right, 40);
}

function signature(input: OfficialDocumentInput): Table {
  const { office } = input;
  const recipients = [
    textParagraph({ text: 'Nơi nhận:', bold: true, italics: true, size: SIZE.national }, { after: 0 }),
    ...[...input.recipients, 'Lưu: VT.'].map((name, index, all) =>
      textParagraph({ text: `- ${name}${index < all.length - 1 ? ';' : ''}`, size: SIZE.small }, { after: 0 }),
    ),
  ];
  const centre = { align: AlignmentType.CENTER } as const;
  const signer = [
    textParagraph({ text: (office.REPORT_SIGNER_TITLE ?? BLANK).toUpperCase(), bold: true, size: SIZE.large }, centre),
    textParagraph(
      { text: '(Ký, ghi rõ họ tên, đóng dấu)', italics: true, size: SIZE.national },
      { ...centre, after: 1200 },
    ),
    textParagraph({ text: office.REPORT_SIGNER_NAME ?? BLANK, bold: true, size: SIZE.large }, centre),
  ];
  return twoColumns(recipients, signer, 50);
}

/**
 * An administrative document in the Decree 30/2020/NĐ-CP format around `body`: reports ("BÁO CÁO", symbol BC)
 * and letters to agencies ("CÔNG VĂN") share it. Pack it with docx's Packer.
 */
export function officialDocument(input: OfficialDocumentInput): Document {
  const heading = input.type
    ? [
        textParagraph({ text: input.type, bold: true, size: SIZE.large }, { align: AlignmentType.CENTER, before: 360 }),
        textParagraph({ text: input.title, bold: true, size: SIZE.large }, { align: AlignmentType.CENTER }),
        rule(),
      ]
    : [textParagraph({ text: '' }, { after: 240 })];
  const children = [
    header(input),
    ...heading,
    ...input.body,
    textParagraph({ text: '' }, { after: 240 }),
    signature(input),
  ];
  const pageNumber = new Header({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: SIZE.large })],
      }),
    ],
  });
  return new Document({
    creator: input.office.OFFICE_NAME,
    title: input.documentTitle ?? `${input.type || 'V/v'} ${input.title}`,
    styles: { default: { document: { run: { font: FONT, size: SIZE.body } } } },
    sections: [
      {
        properties: {
          titlePage: true,
          page: {
            size: { width: mm(210), height: mm(297) },
            margin: {
              top: mm(20),
              bottom: mm(20),
              left: mm(30),
              right: mm(15),
            },
          },
        },
        // The decree numbers pages from the second one, centred at the top.
        headers: { default: pageNumber, first: new Header({ children: [] }) },
        children,
      },
    ],
  });
}
