// Voter turns ("lượt cử tri") in the statistics: kept in the petition tally beside the count,
// so a filter over a million petitions sums tally rows instead of visiting petitions. After
// chat intake, minutes entries, a change of the recorded number and deletes, the tally's sum
// equals the sum over Petition, for whole months (the monthly tally), whole days (the daily
// one) and a split day (the petitions).
// Runs on SQLite, and on PostgreSQL under TEST_DATABASE_URL.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { transaction } from '../../src/db/sql.ts';
import { storePetition } from '../../src/intake/petitions.ts';
import { saveMeeting } from '../../src/meetings/service.ts';
import { EVERYTHING, receivedIn, type StatsWhere } from '../../src/stats/filters.ts';
import { countVoters, summary } from '../../src/stats/queries.ts';
import { taxonomyLabels } from '../../src/classify/labels.ts';
import { freshDatabaseUrl, openDb } from '../helpers/app.ts';

const TZ = 'Asia/Ho_Chi_Minh';
let db: Db;

beforeEach(async () => {
  db = await openDb(freshDatabaseUrl());
});
afterEach(async () => {
  await db.$disconnect();
});

async function chatPetition(voterId: number, at: string): Promise<number> {
  return transaction(db, async (tx) => {
    const stored = await storePetition(tx, {
      channel: 'telegram',
      voterId,
      anonymous: false,
      meetingId: null,
      ward: null,
      text: `Kiến nghị lúc ${at}`,
      media: [],
      now: new Date(at),
      timeZone: TZ,
    });
    return stored.id;
  });
}

async function minutesPetition(meetingId: number, voters: number, at: string): Promise<number> {
  const petition = await db.petition.create({
    data: {
      trackingCode: `KN-2026-${String(900_000 + voters).padStart(6, '0')}`,
      channel: 'meeting',
      meetingId,
      text: `Ý kiến tại hội nghị, ${voters} cử tri nêu`,
      textNormalized: `y kien tai hoi nghi ${voters}`,
      legalBasis: 'minutes',
      voters,
      receivedAt: new Date(at),
    },
  });
  return petition.id;
}

/** The same sum straight from the petitions that count (not_petition never counts). */
async function expectedVoters(where: StatsWhere): Promise<number> {
  const { _sum } = await db.petition.aggregate({
    where: { AND: [where.petition, { status: { not: 'not_petition' } }] },
    _sum: { voters: true },
  });
  return _sum.voters ?? 0;
}

it('counts a turn per chat petition and the recorded voters of a minutes entry, through every write', async () => {
  const meeting = await saveMeeting(db, {
    code: 'VT-01',
    title: 'Tiếp xúc cử tri',
    start: '2026-11-10T08:00:00+07:00',
    place: 'UBND',
    ward: 'Phường Cầu Giấy',
    deputies: 'Nguyễn Văn An',
  });
  const voter = await db.voter.create({
    data: { channel: 'telegram', channelUserId: 'vt1', chatId: 'vt1', consent: 'agreed' },
  });
  await chatPetition(voter.id, '2026-11-10T09:00:00+07:00');
  await chatPetition(voter.id, '2026-11-10T23:30:00+07:00');
  const fromMinutes = await minutesPetition(meeting.id, 4, '2026-11-10T10:00:00+07:00');
  const other = await minutesPetition(meeting.id, 3, '2026-11-11T10:00:00+07:00');

  const wholeDay = receivedIn(new Date('2026-11-10T00:00:00+07:00'), new Date('2026-11-11T00:00:00+07:00'));
  const splitDay = receivedIn(new Date('2026-11-10T12:00:00+07:00'), new Date('2026-11-11T12:00:00+07:00'));
  const november = receivedIn(new Date('2026-11-01T00:00:00+07:00'), new Date('2026-12-01T00:00:00+07:00'));
  expect([wholeDay.tally, wholeDay.byDay]).toEqual([expect.anything(), true]);
  expect(splitDay.tally).toBeNull();
  expect([november.tally, november.byDay]).toEqual([expect.anything(), false]);
  expect(await countVoters(db, november)).toBe(2 + 4 + 3);
  expect(await countVoters(db, EVERYTHING)).toBe(2 + 4 + 3);
  expect(await countVoters(db, wholeDay)).toBe(2 + 4);
  expect(await countVoters(db, splitDay)).toBe(1 + 3);

  // Staff correct the recorded number, a text turns out not to be a petition, another is deleted.
  await db.petition.update({ where: { id: fromMinutes }, data: { voters: 6 } });
  await db.petition.update({ where: { id: other }, data: { status: 'not_petition' } });
  for (const where of [EVERYTHING, wholeDay, splitDay, november]) {
    expect(await countVoters(db, where)).toBe(await expectedVoters(where));
  }
  expect(await countVoters(db, EVERYTHING)).toBe(2 + 6);
  await db.petition.delete({ where: { id: fromMinutes } });
  expect(await countVoters(db, wholeDay)).toBe(2);
  expect(await countVoters(db, november)).toBe(2);
  expect((await summary(db, EVERYTHING, taxonomyLabels('current'))).voters).toBe(2);
});
