// iCalendar (RFC 5545) export of the meeting schedule, for Outlook, Google Calendar, phones.
import type { ScheduleItem } from '../core/messages-staff.ts';
import { MEETING_STATUS_LABELS } from '../core/messages-staff.ts';

const DEFAULT_LENGTH_MS = 2 * 3_600_000;

function icsTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\r?\n/g, '\\n')
    .replace(/[,;]/g, (c) => `\\${c}`);
}

/** Lines longer than 75 octets are folded, never inside a UTF-8 character. */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    const limit = out.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

export function renderIcs(meetings: ScheduleItem[], now: Date, host = 'kiennghi'): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//kiennghi//Lich tiep xuc cu tri//VI',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'X-WR-CALNAME:Lịch tiếp xúc cử tri',
  ];
  for (const meeting of meetings) {
    const end = meeting.endsAt ?? new Date(meeting.startsAt.getTime() + DEFAULT_LENGTH_MS);
    const description = [
      `Mã hội nghị: ${meeting.code}`,
      meeting.deputies.length ? `Đại biểu: ${meeting.deputies.join(', ')}` : null,
      `Tình trạng: ${MEETING_STATUS_LABELS[meeting.status] ?? meeting.status}`,
    ]
      .filter(Boolean)
      .join('\n');
    lines.push(
      'BEGIN:VEVENT',
      `UID:${meeting.code}@${host}`,
      `DTSTAMP:${icsTime(now)}`,
      `DTSTART:${icsTime(meeting.startsAt)}`,
      `DTEND:${icsTime(end)}`,
      `SUMMARY:${escapeText(meeting.title)}`,
      `LOCATION:${escapeText(meeting.ward ? `${meeting.place}, ${meeting.ward}` : meeting.place)}`,
      `DESCRIPTION:${escapeText(description)}`,
      `STATUS:${meeting.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
