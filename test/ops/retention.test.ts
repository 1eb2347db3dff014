// Retention on a clock that can be moved: closed petitions lose their voter link and the
// personal data in their text, idle conversations are cleared, statistics stay as they were.
import { afterEach, expect, it } from 'vitest';
import { redactPersonalData } from '../../src/classify/pii.ts';
import { connectDb, type Db } from '../../src/db/client.ts';
import { runRetention } from '../../src/ops/retention.ts';
import { freshDatabaseUrl } from '../helpers/app.ts';

const DAY = 86_400_000;
const NOW = new Date('2027-06-01T03:30:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
let db: Db | undefined;

afterEach(async () => {
  await db?.$disconnect();
  db = undefined;
});

async function voter(on: Db, id: string, name: string | null) {
  return on.voter.create({
    data: {
      channel: 'telegram',
      channelUserId: id,
      chatId: id,
      name,
      ward: 'Phường Láng',
      phone: '0912345678',
      consent: 'agreed',
      updatedAt: ago(200),
    },
  });
}

async function petition(on: Db, voterId: number, code: string, text: string, status: string, closedDaysAgo?: number) {
  const created = await on.petition.create({
    data: {
      trackingCode: code,
      voterId,
      channel: 'telegram',
      text,
      textNormalized: text,
      status,
      ward: 'Phường Láng',
      receivedAt: ago(300),
    },
  });
  if (closedDaysAgo !== undefined) {
    await on.petitionEvent.create({
      data: { petitionId: created.id, fromStatus: 'forwarded', toStatus: status, createdAt: ago(closedDaysAgo) },
    });
  }
  return created;
}

it('removes personal data from petitions closed longer ago than RETENTION_PERSONAL_DAYS, and no more', async () => {
  db = await connectDb(freshDatabaseUrl());
  const an = await voter(db, '501', 'Nguyễn Văn An');
  const binh = await voter(db, '502', 'Trần Thị Bình');
  const cuong = await voter(db, '503', 'Lê Văn Cường');
  const text = 'Tôi là Nguyễn Văn An, số điện thoại 0912 345 678, đề nghị sửa cống ngõ 12 bị tắc.';
  const old = await petition(db, an.id, 'KN-2026-000001', text, 'resolved', 100);
  const open = await petition(db, an.id, 'KN-2026-000002', 'Đèn đường tổ 5 hỏng.', 'forwarded');
  const rejected = await petition(db, binh.id, 'KN-2026-000003', 'Nội dung không phải kiến nghị.', 'rejected', 95);
  const recent = await petition(db, cuong.id, 'KN-2026-000004', 'Ông Lê Văn Cường đề nghị làm vỉa hè.', 'duplicate', 5);
  // Idle conversations: one holding a text typed before consent (no voter record), one mid-flow.
  await db.conversation.create({
    data: {
      channel: 'telegram',
      channelUserId: '599',
      state: 'intake.consent',
      data: '{"pendingText":"Rác ở chợ"}',
      updatedAt: ago(40),
    },
  });
  await db.conversation.create({
    data: { channel: 'telegram', channelUserId: '501', state: 'intake.text', data: '{}', updatedAt: ago(40) },
  });
  await db.conversation.create({
    data: { channel: 'telegram', channelUserId: '503', state: 'intake.text', data: '{}', updatedAt: ago(1) },
  });
  const config = { RETENTION_PERSONAL_DAYS: 90, RETENTION_CONVERSATION_DAYS: 30 };
  const statsBefore = await statistics(db);

  const dry = await runRetention(db, config, { now: NOW, dryRun: true, actor: 'test' });
  const expected = {
    petitionsRedacted: 2,
    votersRemoved: 1,
    conversationsCleared: 1,
    conversationsRemoved: 1,
    outboxMessagesRemoved: 0,
  };
  expect(dry.counts).toEqual(expected);
  expect((await db.petition.findUniqueOrThrow({ where: { id: old.id } })).text).toBe(text);
  expect(await db.voter.count()).toBe(3);

  const report = await runRetention(db, config, { now: NOW, actor: 'test' });
  expect(report.counts).toEqual(expected);
  const redacted = await db.petition.findUniqueOrThrow({ where: { id: old.id } });
  expect(redacted.voterId).toBeNull();
  expect(redacted.text).not.toMatch(/Nguyễn Văn An|0912/);
  expect(redacted.text).toBe(redactPersonalData(text, { names: ['Nguyễn Văn An'] }));
  expect(redacted.text).toContain('đề nghị sửa cống');
  expect(redacted.textNormalized).toBe(redacted.text);
  expect(redacted.personalDataRemovedAt).toEqual(NOW);
  expect(redacted.ward).toBe('Phường Láng');
  // The voter with an open petition keeps the record and the link; the other voter's record goes.
  expect((await db.petition.findUniqueOrThrow({ where: { id: open.id } })).voterId).toBe(an.id);
  expect((await db.voter.findUnique({ where: { id: an.id } }))?.name).toBe('Nguyễn Văn An');
  expect(await db.voter.findUnique({ where: { id: binh.id } })).toBeNull();
  expect((await db.petition.findUniqueOrThrow({ where: { id: rejected.id } })).voterId).toBeNull();
  // Closed five days ago: untouched.
  const kept = await db.petition.findUniqueOrThrow({ where: { id: recent.id } });
  expect([kept.voterId, kept.text]).toEqual([cuong.id, 'Ông Lê Văn Cường đề nghị làm vỉa hè.']);

  const conversations = await db.conversation.findMany({ orderBy: { channelUserId: 'asc' } });
  expect(conversations.map((c) => [c.channelUserId, c.state, c.data])).toEqual([
    ['501', 'idle', '{}'],
    ['503', 'intake.text', '{}'],
  ]);
  expect(await statistics(db)).toEqual(statsBefore);

  const again = await runRetention(db, config, { now: NOW, actor: 'test' });
  expect(Object.values(again.counts).every((n) => n === 0)).toBe(true);
  const audits = await db.auditLog.findMany({ where: { entity: 'Retention' }, orderBy: { id: 'asc' } });
  expect(audits.map((a) => a.action)).toEqual(['retention.dry_run', 'retention.run', 'retention.run']);
  expect(audits.every((a) => !a.after!.includes('Nguyễn'))).toBe(true);
});

it('keeps personal data when RETENTION_PERSONAL_DAYS is unset, and 0 applies as soon as closed', async () => {
  db = await connectDb(freshDatabaseUrl());
  const an = await voter(db, '601', 'Phạm Văn Dũng');
  const closed = await petition(db, an.id, 'KN-2026-000010', 'Ông Phạm Văn Dũng đề nghị sửa cầu.', 'resolved', 0);
  const unset = await runRetention(
    db,
    { RETENTION_PERSONAL_DAYS: undefined, RETENTION_CONVERSATION_DAYS: 30 },
    { now: NOW },
  );
  expect(unset.counts.petitionsRedacted).toBe(0);
  expect((await db.petition.findUniqueOrThrow({ where: { id: closed.id } })).voterId).toBe(an.id);
  const zero = await runRetention(db, { RETENTION_PERSONAL_DAYS: 0, RETENTION_CONVERSATION_DAYS: 30 }, { now: NOW });
  expect(zero.counts.petitionsRedacted).toBe(1);
  const redacted = (await db.petition.findUniqueOrThrow({ where: { id: closed.id } })).text;
  expect(redacted).not.toContain('Dũng');
  expect(redacted).toContain('[tên] đề nghị sửa cầu.');
});

it('clears the speakers and area the minutes gave a closed petition and removes their names from it', async () => {
  db = await connectDb(freshDatabaseUrl());
  const text = 'Cử tri Y Bhin Niê và bà Hoàng Thị Mai phản ánh đường liên thôn xuống cấp.';
  const minutes = {
    channel: 'meeting',
    text,
    textNormalized: text,
    status: 'resolved',
    legalBasis: 'minutes',
    speaker: 'Y Bhin Niê; Hoàng Thị Mai',
    speakerArea: 'Tổ dân phố 3',
    resolvedAt: ago(100),
    receivedAt: ago(300),
  };
  const old = await db.petition.create({ data: { ...minutes, trackingCode: 'KN-2026-000020' } });
  const recent = await db.petition.create({ data: { ...minutes, trackingCode: 'KN-2026-000021', resolvedAt: ago(5) } });
  const config = { RETENTION_PERSONAL_DAYS: 90, RETENTION_CONVERSATION_DAYS: 30 };

  const dry = await runRetention(db, config, { now: NOW, dryRun: true });
  expect(dry.counts.petitionsRedacted).toBe(1);
  expect((await db.petition.findUniqueOrThrow({ where: { id: old.id } })).speaker).toBe(minutes.speaker);

  const report = await runRetention(db, config, { now: NOW });
  expect(report.counts.petitionsRedacted).toBe(1);
  const redacted = await db.petition.findUniqueOrThrow({ where: { id: old.id } });
  expect([redacted.speaker, redacted.speakerArea]).toEqual([null, null]);
  // The speaker the minutes name goes even where the text alone would not show it is a name.
  expect(redactPersonalData(text)).toContain('Y Bhin Niê');
  expect(redacted.text).toBe(redactPersonalData(text, { names: ['Y Bhin Niê', 'Hoàng Thị Mai'] }));
  expect(redacted.text).not.toMatch(/Bhin|Niê|Mai/);
  expect(redacted.text).toContain('phản ánh đường liên thôn xuống cấp.');
  expect(redacted.personalDataRemovedAt).toEqual(NOW);
  const kept = await db.petition.findUniqueOrThrow({ where: { id: recent.id } });
  expect([kept.speaker, kept.speakerArea, kept.text]).toEqual([minutes.speaker, minutes.speakerArea, text]);
});

/** What statistics read: petitions by day, meeting, ward, status, level and field (the tally's key). */
async function statistics(on: Db) {
  const rows = await on.petition.groupBy({
    by: ['receivedAt', 'meetingId', 'ward', 'status', 'authority', 'field'],
    _count: { _all: true },
  });
  const deltas = await on.petitionTallyDelta.count();
  return { rows: rows.map((row) => JSON.stringify(row)).sort(), deltas };
}
