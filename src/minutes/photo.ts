// A paper petition handed in at a meeting, photographed and sent by staff with `/ghi CODE` as
// its caption: stored for that meeting like a quick entry (channel `meeting`, legal basis the
// minutes), the photo attached. While a vision model is configured, the page is read and the
// text shown to the staff member to confirm or correct before it becomes the petition's text.
import { parseCommand } from '../core/dispatcher.ts';
import type { Turn } from '../core/types.ts';
import { queueMediaReading } from '../intake/media.ts';
import { MAX_PETITION_CHARS, storePetition } from '../intake/petitions.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { findMeetingByCode } from '../meetings/service.ts';
import { actorOf, can } from '../staff/access.ts';
import { minutesMsg } from './messages.ts';

/** Above the staff assistant's claim on text (a photo is never a question) and the invite codes'. */
const PHOTO_ENTRY_PRIORITY = 30;

/** What a photo's `/ghi` caption says: "CODE", "CODE | người nêu", "CODE | người nêu | địa bàn | ghi chú". */
export interface PhotoEntry {
  code: string;
  speaker: string | null;
  area: string | null;
  /** Kept as the petition's text when the photo is not read (or is no page of text). */
  text: string;
}

/** The caption's fields after `/ghi`; null when malformed. */
export function parsePhotoEntry(args: string): PhotoEntry | null {
  const parts = args.split('|').map((part) => part.trim());
  const [code, speaker, area, text] = parts;
  if (!code || /\s/.test(code) || parts.length > 4) return null;
  return { code, speaker: speaker || null, area: area || null, text: text ?? '' };
}

/** The arguments of a `/ghi` caption on a photo, or undefined for any other input. */
function photoEntryArgs(turn: Turn): string | undefined {
  const { event } = turn;
  if (event.kind !== 'media' || event.media !== 'photo' || !event.caption) return undefined;
  const command = parseCommand(event.caption);
  return command?.command === 'ghi' ? command.args : undefined;
}

/** Claims a photo captioned `/ghi …` from a role that may enter petitions. */
export const photoEntryClaim = {
  priority: PHOTO_ENTRY_PRIORITY,
  when: (turn: Turn) => can(turn.role, 'petitions') && photoEntryArgs(turn) !== undefined,
};

/** Stores the photographed petition for the meeting its caption names, and has its page read. */
export async function photoEntry(turn: Turn, queue?: JobQueue): Promise<void> {
  const { event } = turn;
  const entry = parsePhotoEntry(photoEntryArgs(turn) ?? '');
  if (event.kind !== 'media' || !entry) return turn.reply(minutesMsg.photoEntryUsage());
  if (entry.text.length > MAX_PETITION_CHARS) return turn.reply(minutesMsg.tooLong(MAX_PETITION_CHARS));
  const meeting = await findMeetingByCode(turn.tx, entry.code);
  if (!meeting) return turn.reply(minutesMsg.unknownMeeting(entry.code));
  const stored = await storePetition(turn.tx, {
    channel: 'meeting',
    voterId: null,
    anonymous: false,
    meetingId: meeting.id,
    ward: meeting.ward,
    text: entry.text,
    media: [{ media: 'photo', fileId: event.fileId }],
    now: turn.now,
    timeZone: turn.config.TZ,
    actor: actorOf(turn),
    minutes: { speaker: entry.speaker, speakerArea: entry.area, voters: 1, sourceFile: null, sourcePosition: null },
  });
  const reading = await queueMediaReading(turn, stored.id, queue);
  turn.afterCommit(() => queue?.kick('classify'));
  const storedText = minutesMsg.quickEntryStored(stored.trackingCode, meeting.code);
  turn.reply(reading ? `${storedText}\n${reading}` : storedText);
}
