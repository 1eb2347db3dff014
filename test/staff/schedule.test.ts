// The schedule in chat (/lich with and without diacritics), meeting management by staff,
// the QR code on opening, and the .ics export in chat and from the CLI.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { saveMeeting } from '../../src/meetings/service.ts';
import { BOT_USERNAME } from '../fakes/telegram.ts';
import { auditedActions, filesSentTo, newUserId, pngSize, startHarness, type Harness } from './support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const DAY = 86_400_000;

async function seedMeetings(harness: Harness) {
  const now = Date.now();
  const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();
  const base = { place: 'Hội trường', kind: 'before_session' as const };
  await saveMeeting(harness.app.db, {
    ...base,
    code: 'CG-A',
    title: 'Tiếp xúc cử tri Cầu Giấy (A)',
    start: at(DAY),
    ward: 'Phường Cầu Giấy',
    deputies: 'Nguyễn Văn An',
  });
  await saveMeeting(harness.app.db, {
    ...base,
    code: 'ND-B',
    title: 'Tiếp xúc cử tri Nghĩa Đô (B)',
    start: at(2 * DAY),
    ward: 'Phường Nghĩa Đô',
    deputies: 'Trần Thị Bình',
  });
  await saveMeeting(harness.app.db, {
    ...base,
    code: 'CG-C',
    title: 'Tiếp xúc cử tri Cầu Giấy (C)',
    start: at(20 * DAY),
    ward: 'Phường Cầu Giấy',
    deputies: 'Trần Thị Bình',
  });
  await saveMeeting(harness.app.db, {
    ...base,
    code: 'NOW-D',
    title: 'Hội nghị hôm nay (D)',
    start: at(0),
    ward: 'Xã Sóc Sơn',
  });
  await saveMeeting(harness.app.db, {
    ...base,
    code: 'OLD-E',
    title: 'Hội nghị cũ (E)',
    start: at(-8 * DAY),
    ward: 'Phường Cầu Giấy',
  });
}

const codesIn = (text: string) => [...text.matchAll(/\[([A-Z]+-[A-Z])\]/g)].map((m) => m[1]).sort();

describe('schedule', () => {
  it('answers /lich by period, ward and deputy, typed with or without diacritics, for voters too', async () => {
    h = await startHarness();
    await seedMeetings(h);
    const voter = newUserId();

    const [week] = await h.text(voter, '/lich');
    expect(codesIn(week!)).toEqual(['CG-A', 'ND-B', 'NOW-D']);
    expect(week).toContain('Nguyễn Văn An');
    expect(week).toContain('Tình trạng: Đã lên lịch');

    const [thisWeek] = await h.text(voter, '/lich tuần này');
    expect(codesIn(thisWeek!)).toContain('NOW-D');
    expect(codesIn(thisWeek!)).not.toContain('OLD-E');
    expect(codesIn(thisWeek!)).not.toContain('CG-C');
    const [thisWeekPlain] = await h.text(voter, '/lich tuan nay');
    expect(codesIn(thisWeekPlain!)).toEqual(codesIn(thisWeek!));

    const [accented] = await h.text(voter, '/lich Cầu Giấy');
    const [plain] = await h.text(voter, '/lich cau giay');
    expect(codesIn(accented!)).toEqual(['CG-A', 'CG-C']);
    expect(codesIn(plain!)).toEqual(['CG-A', 'CG-C']);

    const [deputy] = await h.text(voter, '/lich tran thi binh');
    expect(codesIn(deputy!)).toEqual(['CG-C', 'ND-B']);
    const [none] = await h.text(voter, '/lich Hoàn Kiếm');
    expect(none).toContain('Không có hội nghị');
  });

  it('reads /taohop and /suahop dates as the command line does: day first or ISO-8601', async () => {
    h = await startHarness();
    const staff = newUserId();
    await h.grant(staff, 'staff');
    const startOf = async () =>
      (await h!.app.db.meeting.findUniqueOrThrow({ where: { code: 'HN-ISO' } })).startsAt.toISOString();

    const [created] = await h.text(staff, '/taohop HN-ISO | Tiếp xúc cử tri | 2030-12-13T08:00:00+07:00 | Nhà văn hóa');
    expect(created).toContain('Đã tạo hội nghị HN-ISO');
    expect(await startOf()).toBe('2030-12-13T01:00:00.000Z');
    const [refused] = await h.text(staff, '/suahop HN-ISO gio=12/31/2030 08:00');
    expect(refused).toContain('"12/31/2030 08:00"');
    expect(await startOf()).toBe('2030-12-13T01:00:00.000Z');
    await h.text(staff, '/suahop HN-ISO gio=13/12/2030 9h30');
    expect(await startOf()).toBe('2030-12-13T02:30:00.000Z');
  });

  it('lets staff create, edit, open (QR code), close and cancel a meeting, audited, and export .ics', async () => {
    h = await startHarness();
    const staff = newUserId();
    await h.grant(staff, 'staff');

    const [created] = await h.text(
      staff,
      '/taohop hn-lang | Tiếp xúc cử tri phường Láng | 05/12/2030 08:00 | Nhà văn hóa tổ 5 | Phường Láng | Lê Văn Cường; Trần Thị Bình',
    );
    expect(created).toContain('Đã tạo hội nghị HN-LANG');
    let meeting = await h.app.db.meeting.findUniqueOrThrow({
      where: { code: 'HN-LANG' },
      include: { deputies: { include: { deputy: true } } },
    });
    expect(meeting.startsAt.toISOString()).toBe('2030-12-05T01:00:00.000Z');
    expect(meeting.deputies.map((d) => d.deputy.name).sort()).toEqual(['Lê Văn Cường', 'Trần Thị Bình']);

    const [bad] = await h.text(staff, '/taohop HN-X | Tiêu đề | 31/02/2030 08:00 | Nơi họp');
    expect(bad).toContain('không hợp lệ');

    const [edited] = await h.text(staff, '/suahop HN-LANG diadiem=Hội trường UBND phường Láng gio=05/12/2030 09:30');
    expect(edited).toContain('Đã cập nhật');
    meeting = await h.app.db.meeting.findUniqueOrThrow({
      where: { code: 'HN-LANG' },
      include: { deputies: { include: { deputy: true } } },
    });
    expect(meeting.place).toBe('Hội trường UBND phường Láng');
    expect(meeting.startsAt.toISOString()).toBe('2030-12-05T02:30:00.000Z');
    expect(meeting.deputies).toHaveLength(2);

    const [opened] = await h.text(staff, '/mohop HN-LANG');
    expect(opened).toContain('HN-LANG');
    expect(opened).toContain(`https://t.me/${BOT_USERNAME}?start=HN-LANG`);
    expect(h.telegram.sent.at(-1)!.method).toBe('sendPhoto');
    const [qr] = await filesSentTo(h.app, staff);
    expect(qr!.kind).toBe('photo');
    // The QR code (600 px square) with the meeting's code and its one-line title under it.
    expect(pngSize(qr!.data)).toEqual({ width: 600, height: 724 });
    expect((await h.app.db.meeting.findUniqueOrThrow({ where: { code: 'HN-LANG' } })).status).toBe('open');

    await h.text(staff, '/donghop HN-LANG');
    expect((await h.app.db.meeting.findUniqueOrThrow({ where: { code: 'HN-LANG' } })).status).toBe('closed');
    const [cancelled] = await h.text(staff, '/huyhop hn-lang');
    expect(cancelled).toContain('Đã hủy');
    const [reopen] = await h.text(staff, '/mohop HN-LANG');
    expect(reopen).toContain('đã bị hủy');

    expect(await auditedActions(h.app)).toEqual([
      'meeting.create',
      'meeting.edit',
      'meeting.open',
      'meeting.closed',
      'meeting.cancelled',
    ]);
    const edit = await h.app.db.auditLog.findFirstOrThrow({ where: { action: 'meeting.edit' } });
    expect(JSON.parse(edit.before!).place).toBe('Nhà văn hóa tổ 5');
    expect(JSON.parse(edit.after!).place).toBe('Hội trường UBND phường Láng');

    await h.text(staff, '/lichics');
    expect(h.telegram.sent.at(-1)!.method).toBe('sendDocument');
    const ics = (await filesSentTo(h.app, staff)).find((f) => f.name.endsWith('.ics'))!;
    const text = ics.data.toString('utf8');
    expect(text).toContain('BEGIN:VCALENDAR');
    expect(text).toContain('UID:HN-LANG@kiennghi');
    expect(text).toContain('DTSTART:20301205T023000Z');
    expect(text).toContain('STATUS:CANCELLED');
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);

    // The same calendar from the command line.
    const out = join(mkdtempSync(join(tmpdir(), 'kiennghi-ics-')), 'lich.ics');
    const run = await promisify(execFile)(
      process.execPath,
      ['bin/kiennghi.js', 'meeting', 'ics', '--out', out, '--from', '2030-01-01'],
      {
        env: { ...process.env, DATABASE_URL: h.app.config.DATABASE_URL, LOG_LEVEL: 'silent' },
      },
    );
    expect(run.stdout).toContain('1 hội nghị');
    expect(readFileSync(out, 'utf8')).toContain('SUMMARY:Tiếp xúc cử tri phường Láng');
  });
});
