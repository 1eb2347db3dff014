// The petitions table's one query: the workspace page, the API and the selection export all
// read petitions through here. Filters use the shared URL parameters (from, to, meeting,
// ward, level, field, status, review, channel, q, theme) and the statistics' own filter
// (src/stats/filters.ts), so a figure and the table it opens count the same petitions; the
// total comes from the tally when every criterion is one of its keys. Pages are keyset
// pages (an opaque cursor of the sort value and the id), so page 1,000 costs what page 1 does.
// Rows never carry who sent a petition; redacted rows (deputies, the API) also lose the
// personal data in their texts.
import type { Config } from '../config/index.ts';
import { excerpt } from '../core/messages.ts';
import { invalidDay, parseDay, zonedTime } from '../core/dates.ts';
import type { Db, Tx } from '../db/client.ts';
import { kindOf, queryRows } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { matchLabel, taxonomyLabels } from '../classify/labels.ts';
import { redactPersonalData } from '../classify/pii.ts';
import { NOT_PETITION } from '../classify/review.ts';
import { TRACKING_CODE, normalizeTrackingCode } from '../intake/petitions.ts';
import type { DeputyScope } from '../staff/scope.ts';
import { allOf, receivedIn, resolveFilter, type StatsWhere } from '../stats/filters.ts';
import { addDays } from '../stats/period.ts';
import { foldTally, tallyTable } from '../stats/tally.ts';
import { searchWords } from './search-key.ts';

/** Columns the table sorts by, as named in the URL (`sort`). */
export const SORT_KEYS = ['received', 'code', 'status', 'level', 'field'] as const;
export type PetitionSort = (typeof SORT_KEYS)[number];
export type SortDirection = 'asc' | 'desc';

/** Where petitions came in (`channel`): `minutes` are those staff entered from a meeting's minutes or by /ghi. */
export const CHANNEL_FILTERS = ['telegram', 'zalo', 'local', 'minutes'] as const;
export type ChannelFilter = (typeof CHANNEL_FILTERS)[number];
/** The channel value storePetition writes for petitions entered from what was said at a meeting. */
const MINUTES_CHANNEL = 'meeting';

const COLUMN = {
  received: 'receivedAt',
  code: 'trackingCode',
  status: 'status',
  level: 'authority',
  field: 'field',
} as const satisfies Record<PetitionSort, keyof Prisma.PetitionWhereInput>;
/** Columns that may be empty (not yet classified): those rows come last in either direction. */
const NULLABLE = new Set<PetitionSort>(['level', 'field']);

/** `level=none`, `field=none`: petitions not yet classified (the statistics' key for them). */
export const UNCLASSIFIED = 'none';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** What the table is filtered to, as the URL gives it (values as typed; resolved when searching). */
export interface PetitionFilter {
  /** First and last day received (YYYY-MM-DD, inclusive, in TZ). */
  from?: string;
  to?: string;
  meeting?: string;
  ward?: string;
  level?: string;
  field?: string;
  status?: string;
  review?: boolean;
  channel?: ChannelFilter;
  q?: string;
  theme?: number;
}

export interface PageRequest {
  sort: PetitionSort;
  dir: SortDirection;
  /** The cursor of a `nextCursor` or `prevCursor`. */
  after?: string;
  limit: number;
}

export interface ParsedQuery {
  filter: PetitionFilter;
  page: PageRequest;
  /** Values that could not be read (a bad date, an unknown channel), each as a Vietnamese line. */
  problems: string[];
}

/** One petition as the table, the API and exports show it: never its sender. */
export interface PetitionRow {
  id: number;
  trackingCode: string;
  receivedAt: Date;
  updatedAt: Date;
  status: string;
  needsReview: boolean;
  authority: string | null;
  field: string | null;
  agency: string | null;
  forwardedTo: string | null;
  answerDueAt: Date | null;
  meetingCode: string | null;
  meetingTitle: string | null;
  ward: string | null;
  /** `minutes` for petitions entered from a meeting's minutes, else the chat channel. */
  channel: string;
  /** The normalized text: whole, or its excerpt when asked; redacted for redacted views. */
  text: string;
  /** The answer, or why it was rejected (redacted as the text is). */
  statusNote: string | null;
}

export interface PetitionPage {
  rows: PetitionRow[];
  /** Petitions matching the filter, on every page. */
  total: number;
  /** The cursor of the next page; null on the last. */
  nextCursor: string | null;
  /** The cursor of the page before; null on the first. */
  prevCursor: string | null;
  /** Criteria that named nothing known (the table is then empty, and says why). */
  problems: string[];
}

export interface SearchOptions {
  /** A deputy's scope: only the petitions of those meetings. */
  scope?: DeputyScope | null;
  /** Texts without personal data (deputies always get this). */
  redacted?: boolean;
  /** Cut each text to this many characters (after redaction). */
  excerptChars?: number;
}

type Params = URLSearchParams | Record<string, string | undefined>;

function paramOf(params: Params, name: string): string | undefined {
  const value = params instanceof URLSearchParams ? params.get(name) : params[name];
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Reads the shared URL parameters. Unreadable values are dropped and named in `problems`;
 * names (meeting, ward, level, field, status) are resolved against the data when searching.
 */
export function parsePetitionFilter(params: Params): ParsedQuery {
  const problems: string[] = [];
  const get = (name: string) => paramOf(params, name);
  const filter: PetitionFilter = {};
  for (const bound of ['from', 'to'] as const) {
    const value = get(bound);
    if (!value) continue;
    const day = parseDay(value);
    if (day) filter[bound] = isoOf(day);
    else problems.push(invalidDay(value));
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    problems.push(`Khoảng ngày không hợp lệ: từ ${filter.from} đến ${filter.to}`);
    delete filter.to;
  }
  for (const name of ['meeting', 'ward', 'level', 'field', 'status', 'q'] as const) {
    const value = get(name);
    if (value) filter[name] = value.slice(0, 200);
  }
  const review = get('review');
  if (review && ['1', 'true', 'on', 'yes'].includes(review.toLowerCase())) filter.review = true;
  const channel = get('channel');
  if (channel) {
    if ((CHANNEL_FILTERS as readonly string[]).includes(channel)) filter.channel = channel as ChannelFilter;
    else problems.push(`Kênh không hợp lệ: "${channel}" (chọn: ${CHANNEL_FILTERS.join(', ')})`);
  }
  const theme = get('theme');
  if (theme) {
    if (/^\d{1,9}$/.test(theme)) filter.theme = Number(theme);
    else problems.push(`Mã chủ đề không hợp lệ: "${theme}"`);
  }
  const sortParam = get('sort');
  const sort = (SORT_KEYS as readonly string[]).includes(sortParam ?? '') ? (sortParam as PetitionSort) : 'received';
  const dirParam = get('dir');
  const dir: SortDirection = dirParam === 'asc' || dirParam === 'desc' ? dirParam : defaultDirection(sort);
  const limitParam = Number(get('limit') ?? DEFAULT_LIMIT);
  const limit = Number.isInteger(limitParam) ? Math.min(MAX_LIMIT, Math.max(1, limitParam)) : DEFAULT_LIMIT;
  const after = get('after');
  if (after && !decodeCursor(after)) problems.push('Liên kết trang không hợp lệ: xem từ trang đầu.');
  return { filter, page: { sort, dir, after: after && decodeCursor(after) ? after : undefined, limit }, problems };
}

/** Newest first by date; the other columns read best in ascending order. */
export function defaultDirection(sort: PetitionSort): SortDirection {
  return sort === 'received' ? 'desc' : 'asc';
}

/** The URL parameters of a filter (and optionally its sort), for links that keep the view. */
export function filterParams(
  filter: PetitionFilter,
  sort?: { sort: PetitionSort; dir: SortDirection },
): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of ['from', 'to', 'meeting', 'ward', 'level', 'field', 'status', 'channel', 'q'] as const) {
    const value = filter[name];
    if (value) params.set(name, value);
  }
  if (filter.review) params.set('review', '1');
  if (filter.theme !== undefined) params.set('theme', String(filter.theme));
  if (sort && (sort.sort !== 'received' || sort.dir !== 'desc')) {
    params.set('sort', sort.sort);
    params.set('dir', sort.dir);
  }
  return params;
}

function isoOf(day: { year: number; month: number; day: number }): string {
  return `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
}

/** Not tally keys: only the petitions can answer these. */
const onPetitions = (petition: Prisma.PetitionWhereInput): StatsWhere => ({ petition, tally: null });

/**
 * The filter as one condition on the petitions and, where every criterion is a tally key,
 * on the tally. Texts found not to be petitions are left out, as in the statistics, unless
 * the filter asks for that status.
 */
export async function petitionWhere(
  db: Db | Tx,
  config: Pick<Config, 'TZ' | 'TAXONOMY' | 'WARDS'>,
  filter: PetitionFilter,
  scope?: DeputyScope | null,
): Promise<{ where: StatsWhere; problems: string[] }> {
  const labels = taxonomyLabels(config.TAXONOMY);
  const resolved = await resolveFilter(
    db,
    {
      meetingCode: filter.meeting,
      ward: filter.ward,
      authority: filter.level === UNCLASSIFIED ? undefined : filter.level,
      field: filter.field === UNCLASSIFIED ? undefined : filter.field,
      status: filter.status,
    },
    labels,
    config.WARDS,
  );
  const parts: StatsWhere[] = [resolved.where];
  // Not yet classified: an empty column, written '' in the tally.
  if (filter.level === UNCLASSIFIED) parts.push({ petition: { authority: null }, tally: { authority: '' } });
  if (filter.field === UNCLASSIFIED) parts.push({ petition: { field: null }, tally: { field: '' } });
  if (filter.from || filter.to) {
    const day = (text: string, shift: number) => zonedTime(addDays(parseDay(text)!, shift), config.TZ);
    parts.push(receivedIn(filter.from ? day(filter.from, 0) : undefined, filter.to ? day(filter.to, 1) : undefined));
  }
  const status = filter.status ? matchLabel(labels.statuses, filter.status) : undefined;
  if (status !== NOT_PETITION) {
    const counted = { status: { not: NOT_PETITION } };
    parts.push({ petition: counted, tally: counted });
  }
  if (scope) {
    const inScope = { meetingId: { in: scope.meetingIds } };
    parts.push({ petition: inScope, tally: inScope });
  }
  if (filter.review) parts.push(onPetitions({ needsReview: true }));
  if (filter.channel) {
    parts.push(onPetitions({ channel: filter.channel === 'minutes' ? MINUTES_CHANNEL : filter.channel }));
  }
  if (filter.theme !== undefined) parts.push(onPetitions({ groupId: filter.theme }));
  if (filter.q) parts.push(onPetitions(await textMatch(db, filter.q)));
  return { where: allOf(...parts), problems: resolved.problems };
}

/** Words the trigram indexes can look up (shorter ones are matched row by row). */
const TRIGRAM = 3;
/** SQLite: at most this many petitions found through the full-text index are passed on by id (Prisma binds
 * each as a parameter, and takes at most 999 on SQLite). */
const FTS_MAX_IDS = 500;

/**
 * A tracking code finds its petition; other text finds petitions holding every word, with or
 * without diacritics. PostgreSQL answers `contains` from the trigram index on searchKey. SQLite
 * reads the ids from its FTS5 trigram table when they are few; when a word is so common that
 * they are not, matching row by row in the table's order finds a page as fast.
 */
async function textMatch(db: Db | Tx, q: string): Promise<Prisma.PetitionWhereInput> {
  const code = normalizeTrackingCode(q);
  if (TRACKING_CODE.test(code)) return { trackingCode: code };
  const words = searchWords(q);
  const like = (list: string[]) => list.map((word) => ({ searchKey: { contains: word } }));
  const indexed = words.filter((word) => Array.from(word).length >= TRIGRAM);
  if (kindOf(db) !== 'sqlite' || indexed.length === 0) return { AND: like(words) };
  const ids = await ftsIds(db, indexed, FTS_MAX_IDS + 1);
  if (ids.length > FTS_MAX_IDS) return { AND: like(words) };
  return { AND: [{ id: { in: ids } }, ...like(words.filter((word) => !indexed.includes(word)))] };
}

/** SQLite: the petitions whose key holds every word, from the FTS5 trigram table (each word a quoted phrase). */
async function ftsIds(db: Db | Tx, words: string[], limit: number): Promise<number[]> {
  const match = words.map((word) => `"${word.replace(/"/g, '""')}"`).join(' AND ');
  const rows = await queryRows<{ id: number | bigint }>(
    db,
    Prisma.sql`SELECT "rowid" AS "id" FROM "PetitionSearch" WHERE "PetitionSearch" MATCH ${match} LIMIT ${limit}`,
  );
  return rows.map((row) => Number(row.id));
}

async function countWhere(db: Db | Tx, where: StatsWhere): Promise<number> {
  if (!where.tally) return db.petition.count({ where: where.petition });
  await foldTally(db);
  const { _sum } = await tallyTable(db, where.byDay).aggregate({ where: where.tally, _sum: { n: true } });
  return _sum.n ?? 0;
}

/** A cursor: the sort value and id of the row it starts after, and which way it reads. */
interface Cursor {
  value: string | null;
  id: number;
  backward: boolean;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.id, cursor.backward ? 1 : 0])).toString('base64url');
}

function decodeCursor(text: string): Cursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 3) return null;
    const [value, id, backward] = parsed as unknown[];
    if ((typeof value !== 'string' && value !== null) || !Number.isSafeInteger(id)) return null;
    return { value, id: id as number, backward: backward === 1 };
  } catch {
    return null;
  }
}

type Column = (typeof COLUMN)[PetitionSort];

function sortValue(column: Column, row: Record<Column, Date | string | null>): string | null {
  const value = row[column];
  return value instanceof Date ? value.toISOString() : value;
}

/** Rows after the cursor in the order read (nulls last whichever the direction). */
function keysetWhere(sort: PetitionSort, dir: SortDirection, cursor: Cursor): Prisma.PetitionWhereInput {
  const column = COLUMN[sort];
  const beyond = dir === 'asc' ? 'gt' : 'lt';
  if (cursor.value === null) return { [column]: null, id: { [beyond]: cursor.id } };
  const value = column === 'receivedAt' ? new Date(cursor.value) : cursor.value;
  const nullsAfter = NULLABLE.has(sort) && !cursor.backward;
  return {
    OR: [
      { [column]: { [beyond]: value } },
      { [column]: value, id: { [beyond]: cursor.id } },
      ...(nullsAfter ? [{ [column]: null }] : []),
    ],
  };
}

/** The same keyset read backwards: rows before the cursor, nearest first. */
function keysetBefore(sort: PetitionSort, dir: SortDirection, cursor: Cursor): Prisma.PetitionWhereInput {
  const reversed: SortDirection = dir === 'asc' ? 'desc' : 'asc';
  const column = COLUMN[sort];
  const before = reversed === 'asc' ? 'gt' : 'lt';
  if (cursor.value === null) {
    // Before a row without a value: the other empty ones before it, then every row with a value.
    return NULLABLE.has(sort)
      ? { OR: [{ [column]: null, id: { [before]: cursor.id } }, { [column]: { not: null } }] }
      : { id: { [before]: cursor.id } };
  }
  return keysetWhere(sort, reversed, { ...cursor, backward: true });
}

function orderOf(sort: PetitionSort, dir: SortDirection, backward: boolean): Prisma.PetitionOrderByWithRelationInput[] {
  const column = COLUMN[sort];
  const read: SortDirection = backward ? (dir === 'asc' ? 'desc' : 'asc') : dir;
  const primary = NULLABLE.has(sort) ? { sort: read, nulls: backward ? 'first' : 'last' } : read;
  return [{ [column]: primary }, { id: read }];
}

const ROW_SELECT = {
  id: true,
  trackingCode: true,
  receivedAt: true,
  updatedAt: true,
  status: true,
  needsReview: true,
  authority: true,
  field: true,
  agency: true,
  forwardedTo: true,
  answerDueAt: true,
  answerText: true,
  rejectReason: true,
  ward: true,
  channel: true,
  textNormalized: true,
  meeting: { select: { code: true, title: true } },
} as const satisfies Prisma.PetitionSelect;

/** Besides the row: the names its texts are redacted of (never returned). */
const NAMES_SELECT = { speaker: true, voter: { select: { name: true } } } as const satisfies Prisma.PetitionSelect;

/**
 * One page of the petitions table: the rows in the order asked, the total, the cursors of
 * the pages on either side. Staff and admins pass no scope; deputies pass theirs.
 */
export async function searchPetitions(
  db: Db | Tx,
  config: Pick<Config, 'TZ' | 'TAXONOMY' | 'WARDS'>,
  filter: PetitionFilter,
  page: PageRequest,
  options: SearchOptions = {},
): Promise<PetitionPage> {
  const { where, problems } = await petitionWhere(db, config, filter, options.scope);
  const redacted = options.redacted || Boolean(options.scope);
  const cursor = page.after ? decodeCursor(page.after) : null;
  const backward = cursor?.backward ?? false;
  const keyset = cursor ? (backward ? keysetBefore : keysetWhere)(page.sort, page.dir, cursor) : {};
  const [found, total] = await Promise.all([
    db.petition.findMany({
      where: { AND: [where.petition, keyset] },
      orderBy: orderOf(page.sort, page.dir, backward),
      take: page.limit + 1,
      select: redacted ? { ...ROW_SELECT, ...NAMES_SELECT } : ROW_SELECT,
    }),
    countWhere(db, where),
  ]);
  const more = found.length > page.limit;
  const shown = found.slice(0, page.limit);
  if (backward) shown.reverse();
  const rows = shown.map((row) => toRow(row, redacted, options.excerptChars));
  const column = COLUMN[page.sort];
  const edge = (row: (typeof shown)[number] | undefined, towards: boolean) =>
    row ? encodeCursor({ value: sortValue(column, row), id: row.id, backward: towards }) : null;
  // Reading forwards, there is a page before whenever we came from one; backwards, a page after.
  const hasNext = backward ? Boolean(cursor) : more;
  const hasPrev = backward ? more : Boolean(cursor);
  return {
    rows,
    total,
    nextCursor: hasNext ? edge(shown.at(-1), false) : null,
    prevCursor: hasPrev ? edge(shown[0], true) : null,
    problems,
  };
}

type FoundRow = Prisma.PetitionGetPayload<{ select: typeof ROW_SELECT }> & {
  speaker?: string | null;
  voter?: { name: string | null } | null;
};

/** Room kept beyond an excerpt when redacting only its start, so a name cut at the end is still found. */
const REDACT_MARGIN = 120;

function toRow(row: FoundRow, redacted: boolean, excerptChars?: number): PetitionRow {
  const names = [row.voter?.name ?? '', ...(row.speaker?.split(';') ?? [])].map((n) => n.trim()).filter(Boolean);
  const clean = (text: string, cut?: number) => {
    const source = cut
      ? Array.from(text)
          .slice(0, cut + REDACT_MARGIN)
          .join('')
      : text;
    const safe = redacted ? redactPersonalData(source, { names }) : source;
    return cut ? excerpt(safe, cut) : safe;
  };
  const note = row.status === 'rejected' ? row.rejectReason : row.answerText;
  return {
    id: row.id,
    trackingCode: row.trackingCode,
    receivedAt: row.receivedAt,
    updatedAt: row.updatedAt,
    status: row.status,
    needsReview: row.needsReview,
    authority: row.authority,
    field: row.field,
    agency: row.agency,
    forwardedTo: row.forwardedTo,
    answerDueAt: row.answerDueAt,
    meetingCode: row.meeting?.code ?? null,
    meetingTitle: row.meeting?.title ?? null,
    ward: row.ward,
    channel: row.channel === MINUTES_CHANNEL ? 'minutes' : row.channel,
    text: clean(row.textNormalized, excerptChars),
    statusNote: note ? clean(note) : null,
  };
}
