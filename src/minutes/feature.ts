// Quick entry by staff while a meeting runs: `/ghi CODE | người nêu | địa bàn | nội dung`.
// Stored like an imported item (channel `meeting`, legal basis the minutes), so a later
// import of the same minutes recognises it instead of adding it again.
import type { Feature, Turn } from '../core/types.ts';
import type { Tx } from '../db/client.ts';
import { MAX_PETITION_CHARS, storePetition } from '../intake/petitions.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { findMeetingByCode } from '../meetings/service.ts';
import { actorOf, rolesWith } from '../staff/access.ts';
import { minutesMsg } from './messages.ts';
import { photoEntry, photoEntryClaim } from './photo.ts';

export interface QuickEntry {
  code: string;
  speaker: string | null;
  area: string | null;
  text: string;
}

/** "CODE | speaker | area | text", "CODE | speaker | text" or "CODE | text"; null when malformed. */
export function parseQuickEntry(args: string): QuickEntry | null {
  const parts = args.split('|').map((part) => part.trim());
  if (parts.length < 2 || parts.length > 4) return null;
  const [code, ...rest] = parts;
  const text = rest.pop()!;
  if (!code || !text) return null;
  return { code, speaker: rest[0] || null, area: rest[1] || null, text };
}

/** The `/ghi` command (admin and staff: it writes petitions with the speaker's name). */
export function minutesFeature(queue?: JobQueue): Feature {
  return {
    name: 'minutes',
    commands: [
      {
        name: 'ghi',
        roles: rolesWith('petitions'),
        usage: '/ghi MÃ_HỘI_NGHỊ | người nêu | địa bàn | nội dung kiến nghị',
        help: 'ghi ý kiến cử tri phát biểu tại hội nghị',
        run: (turn, args) => quickEntry(turn, args, queue),
      },
    ],
    notes: [{ roles: rolesWith('petitions'), text: minutesMsg.photoEntryNote() }],
    // A photo captioned `/ghi CODE` is a paper petition handed in at that meeting.
    claims: photoEntryClaim,
    onInput: (turn) => photoEntry(turn, queue),
  };
}

async function quickEntry(turn: Turn, args: string, queue?: JobQueue): Promise<void> {
  const entry = parseQuickEntry(args);
  if (!entry) return turn.reply(minutesMsg.quickEntryUsage());
  if (entry.text.length > MAX_PETITION_CHARS) return turn.reply(minutesMsg.tooLong(MAX_PETITION_CHARS));
  const meeting = await findMeetingByCode(turn.tx, entry.code);
  if (!meeting) return turn.reply(minutesMsg.unknownMeeting(entry.code));
  const stored = await storeSpokenPetition(
    turn.tx,
    meeting,
    { ...entry, voters: 1 },
    { now: turn.now, timeZone: turn.config.TZ, actor: actorOf(turn) },
  );
  turn.afterCommit(() => queue?.kick('classify'));
  turn.reply(minutesMsg.quickEntryStored(stored.trackingCode, meeting.code));
}

/** One petition spoken at a meeting, as staff type it (in chat or the workspace). */
export interface SpokenPetition {
  speaker: string | null;
  area: string | null;
  text: string;
  /** voters who raised it (at least 1) */
  voters: number;
}

/**
 * Stores a petition entered by staff for a meeting, as an imported item is (channel `meeting`,
 * legal basis the minutes), so a later import of the same minutes recognises it.
 */
export async function storeSpokenPetition(
  tx: Tx,
  meeting: { id: number; ward: string | null },
  entry: SpokenPetition,
  context: { now: Date; timeZone: string; actor: string },
): Promise<{ id: number; trackingCode: string }> {
  return storePetition(tx, {
    channel: 'meeting',
    voterId: null,
    anonymous: false,
    meetingId: meeting.id,
    ward: meeting.ward,
    text: entry.text,
    media: [],
    ...context,
    minutes: {
      speaker: entry.speaker,
      speakerArea: entry.area,
      voters: entry.voters,
      sourceFile: null,
      sourcePosition: null,
    },
  });
}
