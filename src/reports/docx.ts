// The compiled voter-petition report in Word, as an administrative report (official.ts): the
// period, I. meetings held and the voters who sent petitions, II. petitions by authority level,
// then by field, each theme with the number of voters and meetings that raised it.
import { AlignmentType, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import { reportText } from '../core/messages-digest.ts';
import { orderIn, type Labels } from '../classify/labels.ts';
import { redactPersonalData } from '../classify/pii.ts';
import { themesOf } from '../digests/themes.ts';
import { byLevelAndField, type ReportData } from './data.ts';
import { FONT, officialDocument, SIZE, textParagraph, type OfficeSettings } from './official.ts';

const MAX_CODES = 30;

function line(
  text: string,
  options: { bold?: boolean; italics?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {},
) {
  return textParagraph({ text, bold: options.bold, italics: options.italics }, { align: options.align, after: 80 });
}

function heading(text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) {
  return new Paragraph({
    heading: level,
    spacing: { before: 200, after: 100 },
    children: [new TextRun({ text, bold: true, font: FONT, size: SIZE.body, color: '000000' })],
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
              // Quotes go out in a document: personal data is removed whoever sent them.
              children: [new TextRun({ text: `«${redactPersonalData(quote)}»`, italics: true, font: FONT, size: 24 })],
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

/** The report as a .docx in the Decree 30/2020/NĐ-CP format, dated `now`. */
export async function buildDocx(data: ReportData, labels: Labels, office: OfficeSettings, now: Date): Promise<Buffer> {
  const body = [
    line(reportText.period(data.from, data.to), { align: AlignmentType.CENTER, italics: true }),
    ...(data.meeting
      ? [line(reportText.forMeeting(data.meeting.code, data.meeting.title), { align: AlignmentType.CENTER })]
      : []),
    ...meetingsPart(data, office.TZ),
    ...petitionsPart(data, labels),
    line(reportText.footer(now, office.TZ), { italics: true }),
  ];
  const document = officialDocument({
    office,
    type: reportText.type,
    symbol: reportText.symbol,
    title: reportText.title,
    body,
    recipients: reportText.recipients,
    date: now,
  });
  return Packer.toBuffer(document);
}
