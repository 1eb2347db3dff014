// A digest built from a fixed set of petitions, checked item by item: the query module
// against a real migrated SQLite database, then the pure builder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import type { Db } from '../../src/db/client.ts';
import { loadDigestData } from '../../src/digests/data.ts';
import { deadlineStatus, missedDeadline } from '../../src/digests/deadlines.ts';
import { buildDigest, type DigestContent } from '../../src/digests/digest.ts';
import { taxonomyLabels } from '../../src/classify/labels.ts';
import { freshDatabaseUrl, openDb } from '../helpers/app.ts';
import { seedFixedSet, SINCE, TEXTS, UNTIL, type Seeded } from './seed.ts';

const config = parseConfig({
  SESSION_OPENS: '2026-12-10',
  SESSION_CLOSES: '2026-12-20',
  DATABASE_URL: 'file:/dev/null',
});
let db: Db;
let seeded: Seeded;
let digest: DigestContent;

beforeAll(async () => {
  db = await openDb(freshDatabaseUrl());
  seeded = await seedFixedSet(db);
  const data = await loadDigestData(db, seeded.deputyId, { key: 'daily:2026-11-29', since: SINCE, until: UNTIL });
  digest = buildDigest(data, { labels: taxonomyLabels('current'), deadlines: config });
});
afterAll(async () => {
  await db.$disconnect();
});

describe('digest of a fixed set of petitions', () => {
  it('counts only the new petitions of the deputy’s meetings and constituency', () => {
    // flood1-3, pension1-2, light; not: other (another constituency), old and answered
    // (before the window), rejected.
    expect(digest.petitions).toBe(6);
    expect(digest.voters).toBe(5);
    expect(digest.meetings).toBe(2);
  });

  it('totals by authority level and by field, in the taxonomy’s order, unclassified last', () => {
    expect(digest.byAuthority).toEqual([
      { id: 'central', label: 'Trung ương', count: 2 },
      { id: 'commune', label: 'Xã/phường/đặc khu', count: 3 },
      { id: null, label: 'Chưa phân loại', count: 1 },
    ]);
    expect(digest.byField).toEqual([
      { id: 'traffic_infrastructure', label: 'Giao thông, hạ tầng kỹ thuật', count: 3 },
      { id: 'social_insurance_labour', label: 'Lao động, tiền lương, bảo hiểm xã hội', count: 2 },
      { id: null, label: 'Chưa phân loại', count: 1 },
    ]);
  });

  it('puts paraphrases in one theme with counts and verbatim quotes', () => {
    const [flood, pension, light] = digest.themes;
    expect(digest.themes).toHaveLength(3);
    expect(flood!.petitionIds).toEqual([seeded.petitions.flood1, seeded.petitions.flood2, seeded.petitions.flood3]);
    expect([flood!.petitions, flood!.voters, flood!.meetings]).toEqual([3, 3, 2]);
    expect(flood!.quotes).toEqual([TEXTS.flood1, TEXTS.flood2]);
    expect(pension!.petitionIds).toEqual([seeded.petitions.pension1, seeded.petitions.pension2]);
    expect([pension!.petitions, pension!.voters, pension!.meetings]).toEqual([2, 2, 2]);
    expect(light!.petitionIds).toEqual([seeded.petitions.light]);
  });

  it('reports status changes since the last digest, once per petition, latest step', async () => {
    const answered = await db.petition.findUniqueOrThrow({ where: { id: seeded.petitions.answered } });
    // forwarded then answered in the window: one line, "answered"; the out-of-scope petition is left out.
    expect(digest.statusChanges).toEqual([{ trackingCode: answered.trackingCode, toStatus: 'answered' }]);
  });

  it('flags what missed the before-session deadline and names the next deadline', async () => {
    const old = await db.petition.findUniqueOrThrow({ where: { id: seeded.petitions.old } });
    expect(digest.late.map((l) => l.trackingCode)).toEqual([old.trackingCode]);
    expect(digest.late[0]!.deadline).toMatchObject({ kind: 'before_session', day: '2026-11-25', passed: true });
    expect(digest.nextDeadline).toMatchObject({ kind: 'after_session', day: '2027-01-04', daysLeft: 36 });
  });

  it('lists the deputy’s upcoming meetings only (not cancelled ones)', () => {
    expect(digest.upcoming.map((m) => m.code)).toEqual(['HN-04']);
  });

  it('writes all of it in the message, without any voter’s name', () => {
    const text = digest.text;
    expect(text).toContain('Đại biểu: Nguyễn Văn An');
    expect(text).toContain('Ý kiến mới: 6 ý kiến của 5 cử tri, tại 2 hội nghị.');
    expect(text).toContain('• Trung ương: 2');
    expect(text).toContain('• Giao thông, hạ tầng kỹ thuật: 3');
    expect(text).toMatch(/1\. .+ — 3 ý kiến, 3 cử tri, 2 hội nghị/);
    expect(text).toContain(`«${TEXTS.flood1}»`);
    expect(text).toContain('Đã có văn bản trả lời');
    expect(text).toContain('Quá hạn chuyển cơ quan có thẩm quyền: 1 ý kiến');
    expect(text).toContain('hạn trước kỳ họp 25/11/2026');
    expect(text).toContain('04/01/2027 (còn 36 ngày)');
    expect(text).toContain('08:00 05/12/2026 — Tiếp xúc cử tri HN-04');
    expect(text).not.toContain('HN-05');
    expect(text).not.toContain(TEXTS.other);
    expect(text).not.toMatch(/Cử tri \d/);
  });

  it('titles a stored group’s theme with the group’s title', async () => {
    const group = await db.petitionGroup.create({
      data: { title: 'Điều chỉnh lương hưu trước 1995', confirmed: true },
    });
    await db.petition.updateMany({
      where: { id: { in: [seeded.petitions.pension1, seeded.petitions.pension2] } },
      data: { groupId: group.id },
    });
    const data = await loadDigestData(db, seeded.deputyId, { key: 'x', since: SINCE, until: UNTIL });
    const content = buildDigest(data, { labels: taxonomyLabels('current'), deadlines: config });
    expect(content.themes.find((t) => t.groupId === group.id)).toMatchObject({
      title: 'Điều chỉnh lương hưu trước 1995',
      petitions: 2,
    });
    await db.petition.updateMany({ where: { groupId: group.id }, data: { groupId: null } });
  });

  it('leaves out a text found not to be a petition', async () => {
    const text = '😀😀👍';
    const extra = await db.petition.create({
      data: {
        trackingCode: 'KN-2026-990002',
        channel: 'telegram',
        text,
        textNormalized: text,
        meetingId: seeded.meetings.attended,
        status: 'not_petition',
        authority: 'commune',
        field: 'other',
        receivedAt: new Date(SINCE.getTime() + 3_600_000),
      },
    });
    const data = await loadDigestData(db, seeded.deputyId, { key: 'x', since: SINCE, until: UNTIL });
    const content = buildDigest(data, { labels: taxonomyLabels('current'), deadlines: config });
    await db.petition.delete({ where: { id: extra.id } });
    expect(content.petitions).toBe(digest.petitions);
    expect(content.text).not.toContain(text);
  });

  it('says so when nothing is new', async () => {
    const data = await loadDigestData(db, seeded.otherDeputyId, {
      key: 'x',
      since: UNTIL,
      until: new Date(UNTIL.getTime() + 1000),
    });
    const content = buildDigest(data, { labels: taxonomyLabels('current'), deadlines: config });
    expect(content.petitions).toBe(0);
    expect(content.text).toContain('Không có ý kiến mới trong kỳ này.');
  });
});

describe('deadlineStatus', () => {
  it('gives the dates 15 days before opening and after closing', () => {
    const status = deadlineStatus(config, new Date('2026-11-20T12:00:00+07:00'));
    expect(status.before).toMatchObject({ day: '2026-11-25', daysLeft: 5, passed: false });
    expect(status.after).toMatchObject({ day: '2027-01-04', passed: false });
    expect(status.next?.kind).toBe('before_session');
  });

  it('is unconfigured without session dates, and flags nothing', () => {
    const none = deadlineStatus(parseConfig({ DATABASE_URL: 'file:/dev/null' }), new Date());
    expect(none).toMatchObject({ configured: false, before: null, after: null, next: null });
    expect(missedDeadline({ status: 'received', receivedAt: new Date(0) }, none, 'Asia/Ho_Chi_Minh')).toBeNull();
  });

  it('counts a deadline day as still on time until midnight in Hanoi', () => {
    const onDay = deadlineStatus(config, new Date('2026-11-25T23:59:00+07:00'));
    expect(onDay.before).toMatchObject({ daysLeft: 0, passed: false });
    const after = deadlineStatus(config, new Date('2026-11-26T00:01:00+07:00'));
    expect(after.before?.passed).toBe(true);
    const received = { status: 'reviewed', receivedAt: new Date('2026-11-25T22:00:00+07:00') };
    expect(missedDeadline(received, after, 'Asia/Ho_Chi_Minh')?.kind).toBe('before_session');
    expect(missedDeadline({ ...received, status: 'forwarded' }, after, 'Asia/Ho_Chi_Minh')).toBeNull();
  });
});
