// What a statistic is about (period, meeting, ward, deputy, level, field, status), as
// typed by staff or passed by the assistant's tools, turned into one filter over Petition
// (listings) and the same filter over PetitionTally (counts).
import type { Db, Tx } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { foldDiacritics } from '../core/text.ts';
import { deputyKey, normalizeCode } from '../meetings/service.ts';
import { matchLabel, type Labels } from '../classify/labels.ts';
import { knownWards, matchWard, wardKey } from '../meetings/wards.ts';
import { parsePeriod, type Period } from './period.ts';
import { foldTally, startsTallyDay, startsTallyMonth } from './tally.ts';

export interface FilterSpec {
  period?: Period;
  meetingCode?: string;
  ward?: string;
  deputy?: string;
  authority?: string;
  field?: string;
  status?: string;
}

/** One filter, on the petitions and on their tally. */
export interface StatsWhere {
  petition: Prisma.PetitionWhereInput;
  /** null: a time bound falls inside a tally day, so only the petitions can answer. */
  tally: Prisma.PetitionTallyWhereInput | null;
  /** A time bound falls inside a month: only the daily tally answers (else the monthly one does). */
  byDay?: boolean;
}

export const EVERYTHING: StatsWhere = { petition: {}, tally: {} };

/** All the criteria at once. */
export function allOf(...wheres: StatsWhere[]): StatsWhere {
  const tallies = wheres.map((where) => where.tally);
  return {
    petition: { AND: wheres.map((where) => where.petition) },
    tally: tallies.every((tally) => tally !== null) ? { AND: tallies } : null,
    byDay: wheres.some((where) => where.byDay),
  };
}

/** Petitions received in [from, to); either bound may be left open. */
export function receivedIn(from: Date | undefined, to: Date | undefined): StatsWhere {
  const bounds = [from, to].filter((bound) => bound !== undefined);
  return {
    petition: { receivedAt: { gte: from, lt: to } },
    tally: bounds.every(startsTallyDay) ? { day: { gte: from, lt: to } } : null,
    byDay: !bounds.every(startsTallyMonth),
  };
}

/** Petitions whose status is one of these. */
export function statusIn(statuses: string[]): StatsWhere {
  return { petition: { status: { in: statuses } }, tally: { status: { in: statuses } } };
}

export interface ResolvedFilter {
  where: StatsWhere;
  /** Human description of each criterion, for the reply's heading. */
  parts: string[];
  /** Criteria that matched nothing known (the count is then zero, and we say why). */
  problems: string[];
}

const KEYS: Record<string, keyof Omit<FilterSpec, 'period'>> = {
  hop: 'meetingCode',
  hoinghi: 'meetingCode',
  ma: 'meetingCode',
  phuong: 'ward',
  xa: 'ward',
  daibieu: 'deputy',
  db: 'deputy',
  cap: 'authority',
  thamquyen: 'authority',
  linhvuc: 'field',
  trangthai: 'status',
  tinhtrang: 'status',
};

/**
 * Parses "/thongke" arguments: an optional period first, then `key=value` criteria
 * ("tuần này phường=Cầu Giấy lĩnhvực=môi trường"); keys are accepted without diacritics.
 */
export function parseStatsArgs(args: string, now: Date, timeZone: string): { spec: FilterSpec; unknown: string[] } {
  const { period, rest } = parsePeriod(args, now, timeZone);
  const spec: FilterSpec = { period };
  const unknown: string[] = [];
  const keyPattern = /(^|\s)([\p{L}\p{N}_]+)\s*[=:]\s*/gu;
  const matches = [...rest.matchAll(keyPattern)];
  const leading = (matches[0] ? rest.slice(0, matches[0].index) : rest).trim();
  if (leading) unknown.push(leading);
  matches.forEach((match, index) => {
    const start = match.index! + match[0].length;
    const end = matches[index + 1]?.index ?? rest.length;
    const value = rest.slice(start, end).trim().replace(/[;,]$/, '').trim();
    const key = KEYS[foldDiacritics(match[2]!)];
    if (!key || !value) unknown.push(match[0].trim() + value);
    else spec[key] = value;
  });
  return { spec, unknown };
}

/**
 * Resolves names (ward, deputy, labels) against the data and builds the filter. A ward must
 * be one the office knows: `settingsWards` (the WARDS setting) or a meeting's.
 */
export async function resolveFilter(
  db: Db | Tx,
  spec: FilterSpec,
  labels: Labels,
  settingsWards: string[] = [],
): Promise<ResolvedFilter> {
  const and: StatsWhere[] = [];
  const parts: string[] = [];
  const problems: string[] = [];
  if (spec.period) {
    and.push(receivedIn(spec.period.from, spec.period.to));
    parts.push(spec.period.label);
  }
  if (spec.meetingCode) {
    const meeting = await db.meeting.findUnique({ where: { code: normalizeCode(spec.meetingCode) } });
    if (!meeting) problems.push(`hội nghị mã ${spec.meetingCode}`);
    and.push(inMeetings([meeting?.id ?? -1]));
    parts.push(meeting ? `hội nghị ${meeting.code}` : `hội nghị ${spec.meetingCode}`);
  }
  if (spec.ward) {
    const ward = await wardFilter(db, spec.ward, settingsWards);
    if (!ward.found) problems.push(`phường/xã "${spec.ward}"`);
    and.push(ward.where);
    parts.push(`phường/xã ${spec.ward}`);
  }
  if (spec.deputy) {
    const deputy = await deputyFilter(db, spec.deputy);
    if (!deputy.names.length) problems.push(`đại biểu "${spec.deputy}"`);
    and.push(deputy.where);
    parts.push(`đại biểu ${deputy.names.join(', ') || spec.deputy}`);
  }
  const labelled: [keyof FilterSpec, 'authority' | 'field' | 'status', Labels['levels'], string][] = [
    ['authority', 'authority', labels.levels, 'cấp'],
    ['field', 'field', labels.fields, 'lĩnh vực'],
    ['status', 'status', labels.statuses, 'trạng thái'],
  ];
  for (const [key, column, list, noun] of labelled) {
    const typed = spec[key] as string | undefined;
    if (!typed) continue;
    const id = matchLabel(list, typed);
    if (!id) problems.push(`${noun} "${typed}"`);
    const value = id ?? `?${typed}`;
    and.push({ petition: { [column]: value }, tally: { [column]: value } });
    parts.push(`${noun} ${id ? list.find((item) => item.id === id)!.label : typed}`);
  }
  return { where: and.length ? allOf(...and) : EVERYTHING, parts, problems };
}

/** Petitions of these meetings. */
export function inMeetings(ids: number[]): StatsWhere {
  return { petition: { meetingId: { in: ids } }, tally: { meetingId: { in: ids } } };
}

/** Shortest typed ward that may name a known ward by part of its name. */
const MIN_PARTIAL_KEY = 3;

/**
 * The known ward a staff member means: the one named exactly (up to diacritics, case and the
 * "phường/xã" prefix), else the only one whose name contains what was typed. Anything else,
 * a phone number typed as a ward included, names no ward.
 */
export function resolveWard(typed: string, wards: string[]): string | null {
  const exact = matchWard(typed, wards);
  if (exact) return exact;
  const key = wardKey(typed);
  if (key.length < MIN_PARTIAL_KEY) return null;
  const partial = wards.filter((ward) => wardKey(ward).includes(key));
  return partial.length === 1 ? partial[0]! : null;
}

/**
 * A ward is where the meeting was held or the known ward copied onto the petition when it was
 * sent. The typed name is first resolved to one known ward; meetings and petition wards then
 * match it exactly (up to diacritics), over the distinct names read from the tally's ward
 * column (a short list at any data size).
 */
async function wardFilter(db: Db | Tx, typed: string, settingsWards: string[]) {
  const ward = resolveWard(typed, await knownWards(db, { WARDS: settingsWards }));
  if (!ward) return { where: inMeetings([]), found: false };
  const key = wardKey(ward);
  const meetings = await db.meeting.findMany({ where: { ward: { not: null } }, select: { id: true, ward: true } });
  const meetingIds = meetings.filter((m) => wardKey(m.ward!) === key).map((m) => m.id);
  const wards = (await petitionWards(db)).filter((name) => wardKey(name) === key);
  return {
    where: {
      petition: { OR: [{ meetingId: { in: meetingIds } }, { ward: { in: wards } }] },
      tally: { OR: [{ meetingId: { in: meetingIds } }, { ward: { in: wards } }] },
    },
    found: true,
  };
}

/**
 * The distinct wards petitions were sent from, as copied onto them (a voter may since have
 * changed or withdrawn theirs): read from the tally's ward index by skipping from one name
 * to the next, a few dozen index probes at any number of petitions.
 */
async function petitionWards(db: Db | Tx): Promise<string[]> {
  await foldTally(db);
  const rows = await db.$queryRawUnsafe<{ ward: string }[]>(
    `WITH RECURSIVE wards ("ward") AS (
       SELECT min("ward") FROM "PetitionTally" WHERE "ward" > ''
       UNION ALL
       SELECT (SELECT min("ward") FROM "PetitionTally" WHERE "ward" > wards."ward") FROM wards WHERE wards."ward" IS NOT NULL)
     SELECT "ward" FROM wards WHERE "ward" IS NOT NULL`,
  );
  return rows.map((row) => row.ward);
}

async function deputyFilter(db: Db | Tx, typed: string) {
  const deputies = await db.deputy.findMany({
    where: { nameKey: { contains: deputyKey(typed) } },
    select: { name: true, meetings: { select: { meetingId: true } } },
  });
  const meetingIds = deputies.flatMap((d) => d.meetings.map((m) => m.meetingId));
  return { where: inMeetings(meetingIds), names: deputies.map((d) => d.name) };
}
