// Generated statistics data: ~200 meetings over the last 12 months, wards, deputies,
// voters and petitions whose dates, levels, fields and statuses are skewed like real data
// (petitions cluster around meetings; older ones are further along their lifecycle).
// Every petition carries its voter's ward, as intake stores it; the tally is folded at the end.
import { readFileSync } from 'node:fs';
import type { Db } from '../../src/db/client.ts';
import { deputyKey } from '../../src/meetings/service.ts';
import { searchKeyOf } from '../../src/petitions/search-key.ts';
import { foldTally } from '../../src/stats/tally.ts';

const DAY = 86_400_000;
const BATCH = 2_000;
/** Petitions written through Prisma's createMany; larger sets are copies of these, made in SQL. */
export const CREATE_MANY_ROWS = 20_000;

export const WARDS = [
  'Phường Cầu Giấy',
  'Phường Nghĩa Đô',
  'Phường Yên Hòa',
  'Phường Ba Đình',
  'Phường Ngọc Hà',
  'Phường Giảng Võ',
  'Phường Hoàn Kiếm',
  'Phường Cửa Nam',
  'Phường Đống Đa',
  'Phường Kim Liên',
  'Phường Văn Miếu - Quốc Tử Giám',
  'Phường Láng',
  'Phường Ô Chợ Dừa',
  'Phường Hai Bà Trưng',
  'Phường Vĩnh Tuy',
  'Phường Bạch Mai',
  'Phường Hoàng Mai',
  'Phường Tương Mai',
  'Phường Định Công',
  'Phường Thanh Xuân',
  'Phường Khương Đình',
  'Phường Tây Hồ',
  'Phường Phú Thượng',
  'Phường Long Biên',
  'Phường Bồ Đề',
  'Xã Sóc Sơn',
  'Xã Đông Anh',
  'Xã Gia Lâm',
  'Xã Thanh Trì',
  'Xã Ba Vì',
];

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ'];
const GIVEN = ['Văn An', 'Thị Bình', 'Minh Châu', 'Quốc Dũng', 'Thu Hà', 'Đức Hải', 'Thanh Hương', 'Ngọc Lan'];

/** Weighted choices, heaviest first, as real petitions are spread. */
const FIELDS: [string, number][] = [
  ['land', 20],
  ['traffic_infrastructure', 15],
  ['environment', 12],
  ['social_welfare', 9],
  ['urban_planning_construction', 8],
  ['social_insurance_labour', 7],
  ['health', 6],
  ['education', 5],
  ['administration', 5],
  ['justice_security', 4],
  ['economy_finance_tax', 3],
  ['agriculture', 2],
  ['culture_sport', 2],
  ['science_technology', 1],
  ['other', 1],
];
const LEVELS: [string, number][] = [
  ['commune', 45],
  ['city', 35],
  ['central', 17],
  ['district', 3],
];
const STATUS_OLD: [string, number][] = [
  ['resolved', 40],
  ['answered', 25],
  ['forwarded', 15],
  ['duplicate', 8],
  ['reviewed', 5],
  ['rejected', 4],
  ['classified', 3],
];
const STATUS_MID: [string, number][] = [
  ['forwarded', 35],
  ['reviewed', 20],
  ['classified', 20],
  ['answered', 15],
  ['resolved', 5],
  ['duplicate', 5],
];
const STATUS_NEW: [string, number][] = [
  ['classified', 50],
  ['reviewed', 20],
  ['received', 15],
  ['forwarded', 10],
  ['duplicate', 3],
  ['rejected', 2],
];

/** mulberry32: the same data on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted(random: () => number, items: [string, number][]): string {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let pick = random() * total;
  for (const [value, weight] of items) {
    pick -= weight;
    if (pick < 0) return value;
  }
  return items.at(-1)![0];
}

export function fixtureTexts(): string[] {
  const file = new URL('../../test/fixtures/classify-dev-legacy.jsonl', import.meta.url);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { text: string }).text);
}

export interface Dataset {
  meetings: { id: number; code: string; ward: string; startsAt: Date }[];
  wards: string[];
  petitions: number;
}

async function seedMeetings(db: Db, random: () => number, now: Date): Promise<Dataset['meetings']> {
  const deputies = Array.from(
    { length: 40 },
    (_, i) => `${FAMILY[i % FAMILY.length]} ${GIVEN[Math.floor(i / FAMILY.length) % GIVEN.length]} ${i + 1}`,
  );
  await db.deputy.createMany({
    data: deputies.map((name) => ({ name, nameKey: deputyKey(name), body: random() < 0.5 ? 'na' : 'council' })),
  });
  const deputyRows = await db.deputy.findMany({ select: { id: true } });
  const meetings = Array.from({ length: 200 }, (_, i) => {
    // Contact meetings cluster in the weeks before and after the two sessions of the year.
    const clustered = random() < 0.7;
    const daysAgo = clustered ? (i % 2 ? 40 : 200) + random() * 60 - 30 : random() * 360;
    const startsAt = new Date(now.getTime() - Math.max(1, daysAgo) * DAY);
    const ward = WARDS[Math.floor(random() * WARDS.length)]!;
    return {
      code: `HN${String(i + 1).padStart(3, '0')}`,
      title: `Tiếp xúc cử tri ${ward} lần ${i + 1}`,
      kind: clustered ? (i % 2 ? 'after_session' : 'before_session') : 'thematic',
      startsAt,
      place: `Nhà văn hóa tổ dân phố ${1 + (i % 25)}`,
      ward,
      status: startsAt < now ? 'closed' : 'scheduled',
    };
  });
  await db.meeting.createMany({ data: meetings });
  const rows = await db.meeting.findMany({
    select: { id: true, code: true, ward: true, startsAt: true },
    orderBy: { id: 'asc' },
  });
  await db.meetingDeputy.createMany({
    data: rows.flatMap((meeting, i) =>
      [0, 1, 2].map((k) => ({ meetingId: meeting.id, deputyId: deputyRows[(i * 3 + k) % deputyRows.length]!.id })),
    ),
  });
  return rows.map((row) => ({ ...row, ward: row.ward! }));
}

async function seedVoters(db: Db, random: () => number, count: number): Promise<{ id: number; ward: string | null }[]> {
  for (let start = 0; start < count; start += BATCH) {
    const data = Array.from({ length: Math.min(BATCH, count - start) }, (_, k) => {
      const i = start + k;
      const anonymous = random() < 0.4;
      return {
        channel: random() < 0.6 ? 'telegram' : 'zalo',
        channelUserId: String(10_000_000 + i),
        chatId: String(10_000_000 + i),
        consent: anonymous ? 'anonymous' : 'agreed',
        consentAt: new Date(),
        name: anonymous ? null : `${FAMILY[i % FAMILY.length]} ${GIVEN[i % GIVEN.length]}`,
        ward: !anonymous && random() < 0.7 ? WARDS[Math.floor(random() * WARDS.length)]! : null,
      };
    });
    await db.voter.createMany({ data });
  }
  return db.voter.findMany({ select: { id: true, ward: true }, orderBy: { id: 'asc' } });
}

/**
 * Fills an empty, migrated database. Up to CREATE_MANY_ROWS petitions are generated and
 * stored with createMany (about 1,500 rows/s here); beyond that, the database copies them
 * with each copy's date moved by up to ±3 days, which keeps every distribution and takes
 * seconds instead of the ten minutes createMany would need for a million rows.
 */
export async function seedDataset(db: Db, petitions: number, now: Date, sqlite: boolean): Promise<Dataset> {
  const base = Math.min(petitions, CREATE_MANY_ROWS);
  const dataset = await seedBase(db, base, petitions, now);
  const copies = Math.ceil(petitions / base) - 1;
  for (let copy = 1; copy <= copies; copy++) {
    const rows = Math.min(base, petitions - copy * base);
    await (sqlite ? copySqlite : copyPostgres)(db, copy, base, rows, now);
    // Folded per copy: a million pending deltas would outlast the fold's transaction timeout.
    await foldTally(db);
  }
  await foldTally(db);
  return dataset;
}

async function seedBase(db: Db, petitions: number, total: number, now: Date): Promise<Dataset> {
  const random = prng(20261129);
  const meetings = await seedMeetings(db, random, now);
  const voters = await seedVoters(db, random, Math.max(500, Math.round(total / 40)));
  const texts = fixtureTexts();
  // A few meetings draw most of the petitions (Zipf-like weights).
  const meetingWeights = meetings.map((_, i) => 1 / (1 + (i % 50)));
  const weightTotal = meetingWeights.reduce((a, b) => a + b, 0);
  const pickMeeting = () => {
    let pick = random() * weightTotal;
    for (const [i, w] of meetingWeights.entries()) if ((pick -= w) < 0) return meetings[i]!;
    return meetings.at(-1)!;
  };
  const year = now.getUTCFullYear();
  for (let start = 0; start < petitions; start += BATCH) {
    const data = Array.from({ length: Math.min(BATCH, petitions - start) }, (_, k) => {
      const i = start + k;
      const meeting = random() < 0.85 ? pickMeeting() : undefined;
      const at = meeting
        ? Math.min(
            now.getTime() - 60_000,
            meeting.startsAt.getTime() + (random() < 0.7 ? random() * 4 * 3600_000 : random() * 6 * DAY),
          )
        : now.getTime() - random() * 365 * DAY;
      const ageDays = (now.getTime() - at) / DAY;
      const status = weighted(random, ageDays > 90 ? STATUS_OLD : ageDays > 30 ? STATUS_MID : STATUS_NEW);
      const classified = status !== 'received';
      const voter = voters[Math.floor(random() * voters.length)]!;
      const text = `${texts[i % texts.length]!} (${i})`;
      return {
        trackingCode: trackingCode(year, i + 1),
        meetingId: meeting?.id ?? null,
        voterId: voter.id,
        // Most voters at a ward's meeting live in that ward (anonymous ones give none).
        ward: meeting && voter.ward && random() < 0.8 ? meeting.ward : voter.ward,
        anonymous: random() < 0.4,
        channel: random() < 0.6 ? 'telegram' : 'zalo',
        text,
        textNormalized: text,
        searchKey: searchKeyOf(text),
        status,
        needsReview: classified && random() < 0.08,
        authority: classified ? weighted(random, LEVELS) : null,
        field: classified ? weighted(random, FIELDS) : null,
        summary: classified ? text.slice(0, 120) : null,
        receivedAt: new Date(at),
      };
    });
    await db.petition.createMany({ data });
  }
  return { meetings, wards: WARDS, petitions: total };
}

function trackingCode(year: number, n: number): string {
  return `KN-${year}-${String(n).padStart(7, '0')}`;
}

const COPIED =
  '"meetingId", "voterId", "ward", "anonymous", "channel", "text", "textNormalized", "searchKey", "status", "needsReview", ' +
  '"authority", "field", "summary"';

/** Copy number `copy` of the first `rows` base petitions (ids 1..base in a fresh database). */
async function copyPostgres(db: Db, copy: number, base: number, rows: number, now: Date): Promise<void> {
  const year = now.getUTCFullYear();
  await db.$executeRawUnsafe(
    `INSERT INTO "Petition" ("trackingCode", ${COPIED}, "receivedAt", "updatedAt")
     SELECT 'KN-${year}-' || lpad((id + ${copy * base})::text, 7, '0'), ${COPIED}, t.at, t.at
     FROM "Petition", LATERAL (SELECT LEAST($1::timestamp(3), "receivedAt" + (random() - 0.5) * interval '6 days') AS at) t
     WHERE id <= ${rows} ORDER BY id`,
    new Date(now.getTime() - 60_000),
  );
}

async function copySqlite(db: Db, copy: number, base: number, rows: number, now: Date): Promise<void> {
  const year = now.getUTCFullYear();
  // Prisma keeps SQLite dates as ISO-8601 text ending in +00:00; copies use the same form.
  const iso = `strftime('%Y-%m-%dT%H:%M:%f+00:00', julianday(receivedAt) + ((abs(random()) % 518400000) / 86400000.0) - 3)`;
  await db.$executeRawUnsafe(
    `INSERT INTO "Petition" ("trackingCode", ${COPIED}, "receivedAt", "updatedAt")
     SELECT 'KN-${year}-' || substr('0000000' || (id + ${copy * base}), -7), ${COPIED}, at, at
     FROM (SELECT *, min(?, ${iso}) AS at FROM "Petition" WHERE id <= ${rows} ORDER BY id)`,
    new Date(now.getTime() - 60_000).toISOString().replace('Z', '+00:00'),
  );
}
