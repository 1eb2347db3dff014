// The compiled voter-petition report in Word, in the usual shape: heading block, title and
// period, I. meetings held and voter attendance, II. petitions by authority level, then by
// field, each theme with the number of voters and meetings that raised it.
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import { reportText } from '../core/messages-digest.ts';
import { orderIn, type Labels } from '../classify/labels.ts';
import { themesOf } from '../digests/themes.ts';
import { byLevelAndField, type ReportData } from './data.ts';

const FONT = 'Times New Roman';
const MAX_CODES = 30;

function line(
  text: string,
  options: { bold?: boolean; italics?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {},
) {
  return new Paragraph({
    alignment: options.align,
    spacing: { after: 80 },
    children: [new TextRun({ text, bold: options.bold, italics: options.italics, font: FONT, size: 26 })],
  });
}

function heading(text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) {
  return new Paragraph({
    heading: level,
    spacing: { before: 200, after: 100 },
    children: [new TextRun({ text, bold: true, font: FONT })],
  });
}

function meetingsPart(data: ReportData, timeZone: string): Paragraph[] {
  const expected = data.meetings.reduce((sum, m) => sum + (m.expectedVoters ?? 0), 0);
  const voters = new Set(data.petitions.map((p) => p.voterKey)).size;
  const out = [
    heading(reportText.partMeetings, HeadingLevel.HEADING_1),
    line(reportText.meetingsSummary(data.meetings.length, expected, voters, data.petitions.length)),
  ];
  if (data.meetings.length === 0) out.push(line(reportText.noMeetings, { italics: true }));
  for (const m of data.meetings) {
    out.push(
      new Paragraph({
        bullet: { level: 0 },
        children: [
          new TextRun({
            text: reportText.meetingLine(
              m.startsAt,
              timeZone,
              m.title,
              m.place,
              m.expectedVoters,
              m.voters,
              m.petitions,
            ),
            font: FONT,
            size: 26,
          }),
        ],
      }),
    );
  }
  return out;
}

function petitionsPart(data: ReportData, labels: Labels): Paragraph[] {
  const out = [heading(reportText.partPetitions, HeadingLevel.HEADING_1)];
  if (data.petitions.length === 0) return [...out, line(reportText.noPetitions, { italics: true })];
  for (const [levelIndex, level] of byLevelAndField(data.petitions, labels, orderIn).entries()) {
    out.push(heading(reportText.level(levelIndex + 1, level.label, level.petitions.length), HeadingLevel.HEADING_2));
    for (const [fieldIndex, field] of level.fields.entries()) {
      const number = `${levelIndex + 1}.${fieldIndex + 1}`;
      out.push(heading(reportText.field(number, field.label, field.petitions.length), HeadingLevel.HEADING_3));
      const codes = new Map(field.petitions.map((p) => [p.id, p.trackingCode]));
      for (const theme of themesOf(field.petitions, 1)) {
        out.push(
          new Paragraph({
            bullet: { level: 0 },
            children: [
              new TextRun({
                text: reportText.theme(theme.title, theme.voters, theme.meetings, theme.petitions),
                font: FONT,
                size: 26,
              }),
            ],
          }),
        );
        for (const quote of theme.quotes) {
          out.push(
            new Paragraph({
              indent: { left: 720 },
              children: [new TextRun({ text: `«${quote}»`, italics: true, font: FONT, size: 24 })],
            }),
          );
        }
        const list = theme.petitionIds.map((id) => codes.get(id)!);
        const shown = list.length > MAX_CODES ? [...list.slice(0, MAX_CODES), '…'] : list;
        out.push(
          new Paragraph({
            indent: { left: 720 },
            children: [new TextRun({ text: reportText.codes(shown), font: FONT, size: 20 })],
          }),
        );
      }
    }
  }
  return out;
}

export async function buildDocx(data: ReportData, labels: Labels, timeZone: string, now: Date): Promise<Buffer> {
  const children = [
    line(reportText.office, { bold: true, align: AlignmentType.LEFT }),
    ...reportText.motto.split('\n').map((text) => line(text, { bold: true, align: AlignmentType.RIGHT })),
    new Paragraph({
      heading: HeadingLevel.TITLE,
      alignment: AlignmentType.CENTER,
      spacing: { before: 300, after: 100 },
      children: [new TextRun({ text: reportText.title, bold: true, font: FONT, size: 30 })],
    }),
    line(reportText.period(data.from, data.to), { align: AlignmentType.CENTER, italics: true }),
    ...(data.meeting
      ? [line(reportText.forMeeting(data.meeting.code, data.meeting.title), { align: AlignmentType.CENTER })]
      : []),
    ...meetingsPart(data, timeZone),
    ...petitionsPart(data, labels),
    line(reportText.footer(now, timeZone), { italics: true }),
  ];
  const document = new Document({
    creator: 'kiennghi',
    title: reportText.title,
    styles: { default: { document: { run: { font: FONT } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(document);
}
