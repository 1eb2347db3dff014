// Printable meeting materials: the QR image with the meeting's code and title under it, and the
// A4/A5 poster in PDF with real (selectable, searchable) text in an embedded DejaVu font, so
// Vietnamese diacritics print the same on any machine.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { formatDateTime } from '../core/time.ts';

// The image and PDF libraries load with the first poster or QR card (about 35 MB that the bot
// and most commands never need).
const qrcode = async () => (await import('qrcode')).default;

const FONT_FAMILY = 'DejaVu Sans';
const fontDir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const REGULAR = join(fontDir, 'DejaVuSans.ttf');
const BOLD = join(fontDir, 'DejaVuSans-Bold.ttf');
const QR_WIDTH = 600;
const CAPTION_CHARS = 40;

export const POSTER_SIZES = ['a4', 'a5'] as const;
export type PosterSize = (typeof POSTER_SIZES)[number];

export interface PosterMeeting {
  code: string;
  title: string;
  place: string;
  ward: string | null;
  startsAt: Date;
  endsAt: Date | null;
}

export interface PosterInput {
  office: string;
  meeting: PosterMeeting;
  /** The Telegram deep link the QR code carries. */
  telegramLink: string;
  /** How voters find the Zalo bot (ZALO_BOT_LINK), when the office has one. */
  zaloLink?: string;
  timeZone: string;
  size?: PosterSize;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Splits a caption into lines of at most `max` characters, on spaces. */
export function wrapWords(text: string, max: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= max) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** The QR code of `link` as a PNG, with the meeting's code (large) and title written under it. */
export async function qrCardPng(link: string, code: string, title: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const qr = await (
    await qrcode()
  ).toString(link, { type: 'svg', margin: 2, errorCorrectionLevel: 'M', width: QR_WIDTH });
  const titleLines = wrapWords(title, CAPTION_CHARS).slice(0, 3);
  const height = QR_WIDTH + 70 + titleLines.length * 34 + 20;
  const text = [
    `<text x="${QR_WIDTH / 2}" y="${QR_WIDTH + 50}" font-size="44" font-weight="bold">${escapeXml(code)}</text>`,
    ...titleLines.map(
      (line, index) =>
        `<text x="${QR_WIDTH / 2}" y="${QR_WIDTH + 95 + index * 34}" font-size="26">${escapeXml(line)}</text>`,
    ),
  ].join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${QR_WIDTH}" height="${height}">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<image width="${QR_WIDTH}" height="${QR_WIDTH}" href="data:image/svg+xml;base64,${Buffer.from(qr).toString('base64')}"/>` +
    `<g font-family="${FONT_FAMILY}" text-anchor="middle" fill="black">${text}</g></svg>`;
  return Buffer.from(
    new Resvg(svg, {
      font: { fontFiles: [REGULAR, BOLD], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    })
      .render()
      .asPng(),
  );
}

/** The three steps printed on the poster. */
export function posterSteps(code: string, zalo: boolean): string[] {
  return [
    '1. Mở Telegram trên điện thoại và quét mã QR ở trên.',
    zalo
      ? `2. Hoặc trên Zalo, tìm bot theo địa chỉ ở trên và gửi mã ${code}.`
      : `2. Nếu không quét được mã, mở bot Telegram và nhập mã hội nghị ${code}.`,
    '3. Đọc thông báo, chọn "Đồng ý" hoặc "Gửi ẩn danh", rồi nhập ý kiến, kiến nghị.',
  ];
}

/** The meeting poster as a PDF: office, title, time and place, QR code, code in large type, three steps. */
export async function meetingPosterPdf(input: PosterInput): Promise<Buffer> {
  const { meeting } = input;
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: (input.size ?? 'a4').toUpperCase(),
    margin: 48,
    info: { Title: `Hội nghị ${meeting.code}: ${meeting.title}`, Author: input.office },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.registerFont('regular', REGULAR);
  doc.registerFont('bold', BOLD);

  // Sizes scale with the page, so A5 is the same poster at about 70 %.
  const scale = doc.page.width / 595.28;
  const width = doc.page.width - 2 * doc.page.margins.left;
  const centred = { width, align: 'center' } as const;
  const x = doc.page.margins.left;

  doc
    .font('bold')
    .fontSize(14 * scale)
    .text(input.office.toUpperCase(), x, doc.y, centred);
  doc.moveDown(0.8);
  doc
    .font('regular')
    .fontSize(13 * scale)
    .text('HỘI NGHỊ TIẾP XÚC CỬ TRI', centred);
  doc
    .font('bold')
    .fontSize(22 * scale)
    .text(meeting.title, centred);
  doc.moveDown(0.4);
  const until = meeting.endsAt ? ` – ${formatDateTime(meeting.endsAt, input.timeZone).slice(0, 5)}` : '';
  const place = meeting.ward ? `${meeting.place}, ${meeting.ward}` : meeting.place;
  doc.font('regular').fontSize(14 * scale);
  doc.text(`Thời gian: ${formatDateTime(meeting.startsAt, input.timeZone)}${until}`, centred);
  doc.text(`Địa điểm: ${place}`, centred);
  doc.moveDown(0.8);

  const qrSize = 260 * scale;
  const qr = await (
    await qrcode()
  ).toBuffer(input.telegramLink, {
    type: 'png',
    width: 600,
    margin: 1,
    errorCorrectionLevel: 'M',
  });
  doc.image(qr, x + (width - qrSize) / 2, doc.y, { width: qrSize });
  doc.y += qrSize + 8 * scale;
  doc
    .font('regular')
    .fontSize(11 * scale)
    .text(`Telegram: ${input.telegramLink}`, x, doc.y, centred);
  if (input.zaloLink) doc.text(`Zalo: ${input.zaloLink}`, centred);
  doc.moveDown(0.6);
  doc
    .font('regular')
    .fontSize(13 * scale)
    .text('Mã hội nghị', centred);
  doc
    .font('bold')
    .fontSize(56 * scale)
    .text(meeting.code, centred);
  doc.moveDown(0.4);
  doc.font('regular').fontSize(13 * scale);
  for (const step of posterSteps(meeting.code, Boolean(input.zaloLink))) doc.text(step, x, doc.y, { width });
  doc.end();
  return done;
}
