// The petition tally (kept by triggers, folded by src/stats/tally.ts) against GROUP BY over
// Petition, after every kind of write: intake, createMany, raw SQL, classification and
// status changes, duplicates and group merges, a voter's "forget me", moves across a day
// boundary and deletes. Runs on SQLite, and on PostgreSQL under TEST_DATABASE_URL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { taxonomyLabels } from '../../src/classify/labels.ts';
import type { Db } from '../../src/db/client.ts';
import { mergeGroups } from '../../src/digests/grouping.ts';
import { storePetition } from '../../src/intake/petitions.ts';
import { saveMeeting } from '../../src/meetings/service.ts';
import {
  EVERYTHING,
  allOf,
  receivedIn,
  resolveFilter,
  statusIn,
  type FilterSpec,
  type StatsWhere,
} from '../../src/stats/filters.ts';
import { dayPeriod, rangePeriod } from '../../src/stats/period.ts';
import { breakdown, countPetitions, meetingsAbove, perDay, summary } from '../../src/stats/queries.ts';
import { foldTally } from '../../src/stats/tally.ts';
import { freshDatabaseUrl, openDb } from '../helpers/app.ts';
import { transaction } from '../../src/db/sql.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const labels = taxonomyLabels('current');
const HOUR = 3_600_000;
let db: Db;
let meetings: number[];

beforeEach(async () => {
  db = await openDb(freshDatabaseUrl());
  const cg = await saveMeeting(db, {
    code: 'CG',
    title: 'Cầu Giấy',
    start: '2026-11-02T08:00:00+07:00',
    place: 'UBND',
    ward: 'Phường Cầu Giấy',
    deputies: 'Nguyễn Văn An',
  });
  const nd = await saveMeeting(db, {
    code: 'ND',
    title: 'Nghĩa Đô',
    start: '2026-11-03T08:00:00+07:00',
    place: 'UBND',
    ward: 'Phường Nghĩa Đô',
    deputies: 'Trần Thị Bình',
  });
  meetings = [cg.id, nd.id];
});
afterEach(async () => {
  await db.$disconnect();
});

/** Local midnight of 2026-11-20 and the instants either side of it. */
const MIDNIGHT = new Date('2026-11-20T00:00:00+07:00');

async function intake(voterId: number, ward: string | null, meetingId: number | null, at: Date): Promise<number> {
  return transaction(db, async (tx) => {
    const stored = await storePetition(tx, {
      channel: 'telegram',
      voterId,
      anonymous: false,
      meetingId,
      ward,
      text: `Kiến nghị ${at.toISOString()}`,
      media: [],
      now: at,
      timeZone: TZ,
    });
    return stored.id;
  });
}

/** A deterministic mix of writes, with folds in between so upserts and zero rows are exercised. */
async function writeEverything(): Promise<void> {
  const cauGiay = await db.voter.create({
    data: { channel: 'telegram', channelUserId: 'v1', chatId: 'v1', ward: 'Cầu Giấy', consent: 'agreed' },
  });
  const nghiaDo = await db.voter.create({
    data: { channel: 'zalo', channelUserId: 'v2', chatId: 'v2', ward: 'Phường Nghĩa Đô', consent: 'agreed' },
  });
  const ids: number[] = [];
  const instants = [-1, 0, 1, 5 * HOUR, -30 * HOUR, 50 * HOUR].map((offset) => new Date(MIDNIGHT.getTime() + offset));
  for (const [i, at] of instants.entries()) {
    const voter = i % 2 ? nghiaDo : cauGiay;
    ids.push(await intake(voter.id, voter.ward, i % 3 === 2 ? null : meetings[i % 2]!, at));
  }
  await foldTally(db);
  await db.petition.createMany({
    data: Array.from({ length: 40 }, (_, i) => ({
      trackingCode: `KN-2026-9${String(i).padStart(5, '0')}`,
      channel: 'zalo',
      text: `Hàng loạt ${i}`,
      textNormalized: `Hàng loạt ${i}`,
      meetingId: i % 4 === 3 ? null : meetings[i % 2]!,
      voterId: i % 5 === 0 ? cauGiay.id : null,
      ward: i % 5 === 0 ? cauGiay.ward : i % 7 === 0 ? 'Xã Sóc Sơn' : null,
      status: ['received', 'classified', 'forwarded'][i % 3]!,
      authority: i % 3 ? ['commune', 'city', 'central'][i % 3]! : null,
      field: i % 3 ? ['land', 'environment', 'traffic_infrastructure', 'health'][i % 4]! : null,
      receivedAt: new Date(MIDNIGHT.getTime() + (i - 20) * 7 * HOUR + i * 1000),
    })),
  });
  await db.$executeRawUnsafe(
    `INSERT INTO "Petition" ("trackingCode", "channel", "text", "textNormalized", "status", "receivedAt", "updatedAt")
     SELECT 'KN-2026-8' || "trackingCode", "channel", "text", "textNormalized", 'received', "receivedAt", "updatedAt" FROM "Petition" WHERE "field" = 'land'`,
  );
  // Classification, then staff moving petitions along.
  await db.petition.updateMany({
    where: { status: 'received', id: { in: ids } },
    data: { status: 'classified', authority: 'city', field: 'land' },
  });
  await foldTally(db);
  await db.petition.updateMany({ where: { field: 'environment' }, data: { status: 'forwarded', forwardedTo: 'UBND' } });
  await db.petition.updateMany({ where: { field: 'health' }, data: { summary: 'chỉ tóm tắt, không đổi số đếm' } });
  // Duplicates and a group merge.
  const [first, second] = [ids[0]!, ids[1]!];
  await db.petition.update({ where: { id: second }, data: { status: 'duplicate', duplicateOfId: first } });
  const groups = await Promise.all(['A', 'B'].map((title) => db.petitionGroup.create({ data: { title } })));
  await db.petition.updateMany({ where: { field: 'land' }, data: { groupId: groups[0]!.id } });
  await db.petition.updateMany({ where: { field: 'traffic_infrastructure' }, data: { groupId: groups[1]!.id } });
  await mergeGroups(db, groups[0]!.id, [groups[1]!.id], 'test');
  // The voter's "forget me" (src/intake/flow.ts): petitions stay, unlinked and without ward.
  await db.petition.updateMany({
    where: { voterId: cauGiay.id },
    data: { voterId: null, ward: null, anonymous: true },
  });
  // A petition moved across the day boundary, one to another meeting, and deletes.
  await db.petition.update({ where: { id: ids[2]! }, data: { receivedAt: new Date(MIDNIGHT.getTime() - 2 * HOUR) } });
  await db.petition.update({ where: { id: ids[3]! }, data: { meetingId: meetings[1]! } });
  await foldTally(db);
  await db.petition.delete({ where: { id: ids[4]! } });
  await db.petition.deleteMany({ where: { status: 'classified', field: 'traffic_infrastructure' } });
}

function localDay(at: Date): number {
  const offset = 7 * HOUR;
  return Math.floor((at.getTime() + offset) / 86_400_000) * 86_400_000 - offset;
}

/** The tally as it must be: a GROUP BY over every petition, computed here. */
async function expectedTally(): Promise<Map<string, number>> {
  const rows = await db.petition.findMany({
    select: { receivedAt: true, meetingId: true, ward: true, status: true, authority: true, field: true },
  });
  const counts = new Map<string, number>();
  for (const row of rows) {
    const key = [
      localDay(row.receivedAt),
      row.meetingId ?? 0,
      row.ward ?? '',
      row.status,
      row.authority ?? '',
      row.field ?? '',
    ].join('|');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

async function actualTally(): Promise<Map<string, number>> {
  await foldTally(db);
  const rows = await db.petitionTally.findMany();
  return new Map(
    rows.map((row) => [
      [row.day.getTime(), row.meetingId, row.ward, row.status, row.authority, row.field].join('|'),
      row.n,
    ]),
  );
}

/** Counts straight from Petition, as the statistics were computed before the tally. */
async function groupByPetition(where: StatsWhere, column: 'status' | 'authority' | 'field' | 'meetingId') {
  const groups = await db.petition.groupBy({ by: [column], where: where.petition, _count: { _all: true } });
  return new Map(groups.map((g) => [(g as Record<string, unknown>)[column] ?? null, g._count._all]));
}

async function expectQueriesExact(where: StatsWhere): Promise<void> {
  expect(where.tally).not.toBeNull();
  expect(await countPetitions(db, where)).toBe(await db.petition.count({ where: where.petition }));
  for (const by of ['status', 'authority', 'field'] as const) {
    const rows = await breakdown(db, where, by, labels);
    const expected = await groupByPetition(where, by);
    expect(new Map(rows.map((row) => [row.key === 'none' ? null : row.key, row.count]))).toEqual(expected);
  }
  const byMeeting = await groupByPetition(where, 'meetingId');
  byMeeting.delete(null);
  const codes = new Map((await db.meeting.findMany()).map((m) => [m.code, m.id]));
  const rows = await breakdown(db, where, 'meeting', labels);
  expect(new Map(rows.map((row) => [codes.get(row.key), row.count]))).toEqual(byMeeting);
  const above = await meetingsAbove(db, 3, where);
  expect(new Map(above.map((m) => [codes.get(m.code), m.petitions]))).toEqual(
    new Map([...byMeeting].filter(([, n]) => n > 3)),
  );
  const all = await summary(db, where, labels);
  expect(all.total).toBe(await db.petition.count({ where: where.petition }));
}

describe('petition tally', () => {
  it('equals a GROUP BY over Petition after every kind of write, and so do the statistics', async () => {
    await writeEverything();
    const tally = await actualTally();
    expect([...tally.values()].every((n) => n > 0)).toBe(true);
    expect(tally).toEqual(await expectedTally());
    expect(await db.petitionTallyDelta.count()).toBe(0);

    const specs: FilterSpec[] = [
      {},
      { period: dayPeriod({ year: 2026, month: 11, day: 20 }, 1, TZ) },
      { period: rangePeriod('2026-11-15', '2026-11-21', TZ), ward: 'cau giay' },
      { ward: 'Sóc Sơn' },
      { ward: 'Nghĩa Đô', field: 'đất đai' },
      { meetingCode: 'cg', status: 'đã phân loại' },
      { deputy: 'Trần Thị Bình' },
    ];
    for (const spec of specs) await expectQueriesExact((await resolveFilter(db, spec, labels)).where);
    const dueBy = new Date('2026-11-21T00:00:00+07:00');
    await expectQueriesExact(allOf(EVERYTHING, statusIn(['received', 'classified']), receivedIn(undefined, dueBy)));

    const period = rangePeriod('2026-11-10', '2026-11-28', TZ)!;
    const days = await perDay(db, EVERYTHING, period, TZ);
    for (const day of days) {
      const from = new Date(day.key);
      const count = await db.petition.count({
        where: { receivedAt: { gte: from, lt: new Date(from.getTime() + 86_400_000) } },
      });
      expect(day.count, day.label).toBe(count);
    }
  });

  it('falls back to counting petitions when a bound splits a tally day', async () => {
    await writeEverything();
    const where = receivedIn(new Date(MIDNIGHT.getTime() + HOUR), undefined);
    expect(where.tally).toBeNull();
    expect(await countPetitions(db, where)).toBe(await db.petition.count({ where: where.petition }));
    const rows = await breakdown(db, where, 'status', labels);
    expect(new Map(rows.map((row) => [row.key, row.count]))).toEqual(await groupByPetition(where, 'status'));
  });

  it('stays exact under concurrent intake and folds', async () => {
    const voter = await db.voter.create({
      data: { channel: 'telegram', channelUserId: 'v9', chatId: 'v9', ward: 'Cầu Giấy', consent: 'agreed' },
    });
    const writes = Array.from({ length: 12 }, (_, i) =>
      intake(voter.id, voter.ward, meetings[i % 2]!, new Date(MIDNIGHT.getTime() + i * 5 * HOUR)),
    );
    const folds = Array.from({ length: 4 }, () => foldTally(db));
    await Promise.all([...writes, ...folds]);
    expect(await actualTally()).toEqual(await expectedTally());
  });
});
