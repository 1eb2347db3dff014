// What a statistic is about (period, meeting, ward, deputy, level, field, status), as
// typed by staff or passed by the assistant's tools, turned into one Prisma filter.
import type { Db, Tx } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { foldDiacritics, normalizeText } from '../core/text.ts';
import { deputyKey, normaliseCode } from '../meetings/service.ts';
import { matchLabel, type Labels } from '../classify/labels.ts';
import { parsePeriod, type Period } from './period.ts';

export interface FilterSpec {
  period?: Period;
  meetingCode?: string;
  ward?: string;
  deputy?: string;
  authority?: string;
  field?: string;
  status?: string;
}

export interface ResolvedFilter {
  where: Prisma.PetitionWhereInput;
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

/** Resolves names (ward, deputy, labels) against the data and builds the filter. */
export async function resolveFilter(db: Db | Tx, spec: FilterSpec, labels: Labels): Promise<ResolvedFilter> {
  const and: Prisma.PetitionWhereInput[] = [];
  const parts: string[] = [];
  const problems: string[] = [];
  if (spec.period) {
    and.push({ receivedAt: { gte: spec.period.from, lt: spec.period.to } });
    parts.push(spec.period.label);
  }
  if (spec.meetingCode) {
    const meeting = await db.meeting.findUnique({ where: { code: normaliseCode(spec.meetingCode) } });
    if (!meeting) problems.push(`hội nghị mã ${spec.meetingCode}`);
    and.push({ meetingId: meeting?.id ?? -1 });
    parts.push(meeting ? `hội nghị ${meeting.code}` : `hội nghị ${spec.meetingCode}`);
  }
  if (spec.ward) {
    const ward = await wardFilter(db, spec.ward);
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
    and.push({ [column]: id ?? `?${typed}` });
    parts.push(`${noun} ${id ? list.find((item) => item.id === id)!.label : typed}`);
  }
  return { where: and.length ? { AND: and } : {}, parts, problems };
}

/**
 * A ward is where the meeting was held or where the voter said they live. Both are
 * matched without diacritics over the distinct names (a short list at any data size).
 */
async function wardFilter(db: Db | Tx, typed: string): Promise<{ where: Prisma.PetitionWhereInput; found: boolean }> {
  const key = wardKey(typed);
  const meetings = await db.meeting.findMany({ where: { ward: { not: null } }, select: { id: true, ward: true } });
  const meetingIds = meetings.filter((m) => wardKey(m.ward!).includes(key)).map((m) => m.id);
  const voterWards = await db.voter.groupBy({ by: ['ward'], where: { ward: { not: null } } });
  const wards = voterWards.map((row) => row.ward!).filter((ward) => wardKey(ward).includes(key));
  return {
    where: { OR: [{ meetingId: { in: meetingIds } }, { voter: { ward: { in: wards } } }] },
    found: meetingIds.length > 0 || wards.length > 0,
  };
}

/** "Phường Cầu Giấy", "P. Cau Giay" and "cau giay" compare equal. */
export function wardKey(text: string): string {
  return foldDiacritics(normalizeText(text))
    .replace(/^(phuong|xa|dac khu|p\.|x\.)\s*/, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

async function deputyFilter(db: Db | Tx, typed: string) {
  const deputies = await db.deputy.findMany({
    where: { nameKey: { contains: deputyKey(typed) } },
    select: { name: true, meetings: { select: { meetingId: true } } },
  });
  const meetingIds = deputies.flatMap((d) => d.meetings.map((m) => m.meetingId));
  return { where: { meetingId: { in: meetingIds } } as Prisma.PetitionWhereInput, names: deputies.map((d) => d.name) };
}
