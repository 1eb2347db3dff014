// The petitions table over real HTTP: filters (text found with or without diacritics, days in
// TZ), sorting, keyset pages with the total, bulk actions through the same services as the
// chat (with history and audit), the selection export, CSRF, and a deputy's scoped, redacted,
// read-only view.
import { afterEach, describe, expect, it } from 'vitest';
import { deputyKey } from '../../src/meetings/service.ts';
import { runRetention } from '../../src/ops/retention.ts';
import { storePetition, type NewPetition } from '../../src/intake/petitions.ts';
import { transaction } from '../../src/db/sql.ts';
import type { App } from '../../src/main.ts';
import { startTestApp } from '../helpers/app.ts';
import { addStaff, signIn, type WebClient } from '../helpers/web.ts';

const TZ = 'Asia/Ho_Chi_Minh';
let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

interface Seeded {
  /** Tracking codes by name. */
  code: Record<'road' | 'waste' | 'land' | 'minutes' | 'zalo' | 'greeting' | 'lateNight', string>;
}

type Extra = Partial<{
  authority: string;
  field: string;
  status: string;
  needsReview: boolean;
  voterName: string;
}>;

/**
 * Petitions stored as intake stores them (storePetition), then given the classification a
 * test needs. Their classification jobs go in the same transaction, so no background
 * classifier changes them afterwards.
 */
async function seed(target: App): Promise<Seeded> {
  const db = target.db;
  const cauGiay = await db.meeting.create({
    data: {
      code: 'HN-A',
      title: 'Tiếp xúc cử tri phường Cầu Giấy',
      startsAt: new Date('2026-11-10T01:00:00Z'),
      place: 'Nhà văn hóa tổ 5',
      ward: 'Phường Cầu Giấy',
      constituency: 'Đơn vị số 1',
      status: 'closed',
    },
  });
  const lang = await db.meeting.create({
    data: {
      code: 'HN-B',
      title: 'Tiếp xúc cử tri phường Láng',
      startsAt: new Date('2026-11-20T01:00:00Z'),
      place: 'Hội trường UBND phường',
      ward: 'Phường Láng',
      constituency: 'Đơn vị số 2',
      status: 'closed',
    },
  });
  const store = async (text: string, at: string, input: Partial<NewPetition>, extra: Extra = {}): Promise<string> => {
    return transaction(db, async (tx) => {
      const voter = extra.voterName
        ? await tx.voter.create({
            data: {
              channel: 'telegram',
              channelUserId: String(Math.random()).slice(2),
              chatId: '1',
              name: extra.voterName,
              consent: 'agreed',
            },
          })
        : null;
      const { id, trackingCode } = await storePetition(tx, {
        channel: 'telegram',
        voterId: voter?.id ?? null,
        anonymous: false,
        meetingId: null,
        ward: null,
        text,
        media: [],
        now: new Date(at),
        timeZone: TZ,
        ...input,
      });
      await tx.job.deleteMany({ where: { type: 'classify' } });
      const { voterName: _name, ...fields } = extra;
      if (Object.keys(fields).length) await tx.petition.update({ where: { id }, data: fields });
      return trackingCode;
    });
  };
  const classified = (authority: string, field: string, more: Extra = {}): Extra => ({
    authority,
    field,
    status: 'classified',
    ...more,
  });
  const code = {
    road: await store(
      'Đề nghị sửa đường ngõ 5 bị ngập sâu mỗi khi mưa lớn.',
      '2026-11-10T02:00:00Z',
      { meetingId: cauGiay.id, ward: 'Phường Cầu Giấy' },
      classified('commune', 'traffic_infrastructure'),
    ),
    waste: await store(
      'Tôi là Nguyễn Văn Hùng, số điện thoại 0912345678, phản ánh rác thải ùn ứ ở chợ Nghĩa Tân.',
      '2026-11-11T03:00:00Z',
      { meetingId: cauGiay.id },
      classified('city', 'environment', { needsReview: true, voterName: 'Nguyễn Văn Hùng' }),
    ),
    land: await store(
      'Kiến nghị sửa đổi Luật Đất đai về bồi thường khi thu hồi đất.',
      '2026-11-20T03:00:00Z',
      { meetingId: lang.id },
      classified('central', 'land', { status: 'forwarded' }),
    ),
    minutes: await store(
      'Cử tri đề nghị lắp đèn chiếu sáng đường ven kênh.',
      '2026-11-20T04:00:00Z',
      {
        channel: 'meeting',
        meetingId: lang.id,
        actor: 'web:admin (admin)',
        minutes: { speaker: 'Trần Thị Bình', speakerArea: 'tổ 3', voters: 2, sourceFile: null, sourcePosition: '1' },
      },
      classified('commune', 'traffic_infrastructure'),
    ),
    zalo: await store('Trường mầm non thiếu phòng học cho các cháu.', '2026-12-01T05:00:00Z', { channel: 'zalo' }),
    greeting: await store('Xin chào', '2026-12-01T06:00:00Z', {}, { status: 'not_petition' }),
    // 23:30 on 10 November in Hanoi is still 10 November there, though 11 November has begun nowhere yet in UTC.
    lateNight: await store(
      'Đề nghị kiểm tra tiếng ồn quán karaoke ban đêm.',
      '2026-11-10T16:30:00Z',
      { meetingId: cauGiay.id },
      classified('commune', 'culture_sport'),
    ),
  };
  return { code };
}

/** The tracking codes a page of the table lists, in order. */
async function listed(client: WebClient, path: string): Promise<{ codes: string[]; total: number; html: string }> {
  const response = await client.get(path);
  expect(response.status).toBe(200);
  const html = await response.text();
  const codes = [...html.matchAll(/<a href="\/web\/petitions\/(KN-\d{4}-\d+)">/g)].map((m) => m[1]!);
  const total = Number(/<b>([\d.]+)<\/b> kiến nghị/.exec(html)?.[1]?.replace(/\./g, '') ?? NaN);
  return { codes, total, html };
}

describe('the petitions table', () => {
  it('filters by every criterion, text with or without diacritics, and days in TZ', async () => {
    app = await startTestApp({});
    const { code } = await seed(app);
    const staff = await signIn(app, await addStaff(app, 'staff'));
    const all = await listed(staff, '/web/petitions');
    expect(all.total).toBe(6);
    expect(all.codes).not.toContain(code.greeting);
    expect(all.codes[0]).toBe(code.zalo);
    const cases: [string, string[]][] = [
      ['meeting=HN-A', [code.road, code.waste, code.lateNight]],
      ['meeting=hn-b', [code.land, code.minutes]],
      ['level=central', [code.land]],
      ['level=none', [code.zalo]],
      ['field=environment', [code.waste]],
      ['status=forwarded', [code.land]],
      ['status=not_petition', [code.greeting]],
      ['review=1', [code.waste]],
      ['channel=minutes', [code.minutes]],
      ['channel=zalo', [code.zalo]],
      ['ward=cau giay', [code.road, code.waste, code.lateNight]],
      ['q=ngap', [code.road]],
      ['q=Ngập', [code.road]],
      ['q=NGẬP%20đường', [code.road]],
      ['q=truong mam non', [code.zalo]],
      ['q=luật đất', [code.land]],
      [`q=${code.land.toLowerCase()}`, [code.land]],
      ['from=2026-11-10&to=2026-11-10', [code.road, code.lateNight]],
      ['from=2026-11-11&to=2026-11-20', [code.waste, code.land, code.minutes]],
      ['from=10/11/2026&to=10/11/2026', [code.road, code.lateNight]],
      ['meeting=HN-A&level=commune&q=duong', [code.road]],
    ];
    for (const [query, expected] of cases) {
      const view = await listed(staff, `/web/petitions?${query}`);
      expect(new Set(view.codes), query).toEqual(new Set(expected));
      expect(view.total, query).toBe(expected.length);
    }
    const unknown = await listed(staff, '/web/petitions?meeting=NOPE');
    expect(unknown.total).toBe(0);
    expect(unknown.html).toContain('Không tìm thấy: hội nghị mã NOPE');
    const bad = await listed(staff, '/web/petitions?from=31/02/2026');
    expect(bad.html).toContain('Ngày không hợp lệ');
    // The form keeps what was asked for, so the URL is the view.
    const form = await listed(staff, '/web/petitions?level=central&q=luat');
    expect(form.html).toMatch(/<option value="central"\s+selected/);
    expect(form.html).toContain('value="luat"');
  });

  it('sorts, and pages by keyset with the total on every page', async () => {
    app = await startTestApp({});
    await seed(app);
    await transaction(app.db, async (tx) => {
      for (let i = 0; i < 55; i++) {
        await storePetition(tx, {
          channel: 'telegram',
          voterId: null,
          anonymous: false,
          meetingId: null,
          ward: null,
          text: `Đề nghị số ${i} về chiếu sáng công cộng`,
          media: [],
          now: new Date(Date.UTC(2026, 9, 1, 0, i)),
          timeZone: TZ,
        });
      }
      await tx.job.deleteMany({ where: { type: 'classify' } });
    });
    const staff = await signIn(app);
    const first = await listed(staff, '/web/petitions?q=chieu sang cong cong');
    expect(first.total).toBe(55);
    expect(first.codes).toHaveLength(50);
    const next = /href="([^"]+)" rel="next"/.exec(first.html)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toContain('q=chieu+sang+cong+cong');
    const second = await listed(staff, next!);
    expect(second.total).toBe(55);
    expect(second.codes).toHaveLength(5);
    expect(new Set([...first.codes, ...second.codes]).size).toBe(55);
    expect(second.html).not.toContain('rel="next"');
    const prev = /href="([^"]+)" rel="prev"/.exec(second.html)?.[1]?.replace(/&amp;/g, '&');
    expect((await listed(staff, prev!)).codes).toEqual(first.codes);
    // Newest first by default; by tracking code ascending on request.
    const dates = await app.db.petition.findMany({
      where: { trackingCode: { in: first.codes } },
      select: { trackingCode: true, receivedAt: true },
    });
    const byCode = new Map(dates.map((d) => [d.trackingCode, d.receivedAt.getTime()]));
    const times = first.codes.map((c) => byCode.get(c)!);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const byTracking = await listed(staff, '/web/petitions?sort=code&dir=asc');
    expect(byTracking.codes).toEqual([...byTracking.codes].sort());
    const byLevel = await listed(staff, '/web/petitions?sort=level&dir=desc');
    expect(byLevel.codes).toHaveLength(50);
    const levelPage2 = /href="([^"]+)" rel="next"/.exec(byLevel.html)?.[1]?.replace(/&amp;/g, '&');
    const rest = await listed(staff, levelPage2!);
    expect(new Set([...byLevel.codes, ...rest.codes]).size).toBe(61);
  });

  it('sets level and field, forwards and marks duplicates for a selection, with history and audit', async () => {
    app = await startTestApp({});
    const { code } = await seed(app);
    const staff = await signIn(app, await addStaff(app, 'staff', { userId: '4242' }));
    const back = '/web/petitions?meeting=HN-A';
    const level = await staff.post('/web/petitions/bulk', {
      code: [code.road, code.zalo],
      action: 'level',
      level: 'city',
      back,
    });
    expect(level.status).toBe(303);
    const location = level.headers.get('location')!;
    expect(location.startsWith('/web/petitions?meeting=HN-A&notice=')).toBe(true);
    expect(decodeURIComponent(location)).toContain('Đã đặt cấp cho 2 kiến nghị');
    const road = await app.db.petition.findUniqueOrThrow({
      where: { trackingCode: code.road },
      include: { classifications: true },
    });
    expect(road.authority).toBe('city');
    expect(road.classifications.at(-1)).toMatchObject({ classifier: 'staff', authority: 'city' });
    const zalo = await app.db.petition.findUniqueOrThrow({ where: { trackingCode: code.zalo } });
    expect(zalo).toMatchObject({ authority: 'city', field: 'other' });
    const field = await staff.post('/web/petitions/bulk', {
      code: [code.road],
      action: 'field',
      field: 'environment',
      back,
    });
    expect(field.status).toBe(303);
    expect(await app.db.petition.findUniqueOrThrow({ where: { trackingCode: code.road } })).toMatchObject({
      authority: 'city',
      field: 'environment',
    });

    const forward = await staff.post('/web/petitions/bulk', {
      code: [code.road, code.waste],
      action: 'forward',
      agency: 'UBND phường Cầu Giấy',
      forwardedAt: '2026-12-02',
      back,
    });
    expect(decodeURIComponent(forward.headers.get('location')!)).toContain('Đã chuyển 2 kiến nghị');
    const forwarded = await app.db.petition.findUniqueOrThrow({
      where: { trackingCode: code.waste },
      include: { events: true },
    });
    expect(forwarded).toMatchObject({ status: 'forwarded', forwardedTo: 'UBND phường Cầu Giấy' });
    expect(forwarded.forwardedAt!.toISOString()).toBe('2026-12-01T17:00:00.000Z');
    expect(forwarded.answerDueAt!.getTime() - forwarded.forwardedAt!.getTime()).toBe(30 * 86_400_000);
    expect(forwarded.events.at(-1)).toMatchObject({ toStatus: 'forwarded', note: 'UBND phường Cầu Giấy' });

    const duplicate = await staff.post('/web/petitions/bulk', {
      code: [code.lateNight, code.road],
      action: 'duplicate',
      duplicateOf: code.road,
      back,
    });
    expect(decodeURIComponent(duplicate.headers.get('location')!)).toMatch(
      /Đã đánh dấu trùng 1 kiến nghị.*là kiến nghị gốc/,
    );
    const late = await app.db.petition.findUniqueOrThrow({ where: { trackingCode: code.lateNight } });
    expect(late).toMatchObject({ status: 'duplicate', duplicateOfId: road.id });

    const unknown = await staff.post('/web/petitions/bulk', {
      code: [code.zalo],
      action: 'duplicate',
      duplicateOf: 'KN-2026-999999',
      back,
    });
    expect(decodeURIComponent(unknown.headers.get('location')!)).toContain('error=Không tìm thấy kiến nghị gốc');

    const audits = await app.db.auditLog.findMany({ where: { actor: { contains: 'telegram:4242' } } });
    const actions = audits.map((entry) => `${entry.action} ${entry.entityId}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        `petition.correct ${code.road}`,
        `petition.correct ${code.zalo}`,
        `petition.forwarded ${code.road}`,
        `petition.forwarded ${code.waste}`,
        `petition.duplicate ${code.lateNight}`,
      ]),
    );
    expect(actions.filter((a) => a.startsWith('petition.duplicate'))).toHaveLength(1);
  });

  it('exports the selection as CSV, personal data only when asked, each export audited', async () => {
    app = await startTestApp({});
    const { code } = await seed(app);
    const staff = await signIn(app);
    const plain = await staff.post('/web/petitions/bulk', { code: [code.road, code.waste], action: 'export' });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toContain('text/csv');
    expect(plain.headers.get('content-disposition')).toContain('attachment');
    const csv = await plain.text();
    expect(csv).toContain(code.road);
    expect(csv).toContain(code.waste);
    expect(csv).not.toContain(code.land);
    expect(csv.split('\r\n')[0]).not.toContain('voterName');
    const personal = await staff.post('/web/petitions/bulk', { code: [code.waste], action: 'export', personal: '1' });
    const withNames = await personal.text();
    expect(withNames.split('\r\n')[0]).toContain('voterName');
    expect(withNames).toContain('Nguyễn Văn Hùng');
    const exports = await app.db.auditLog.findMany({ where: { action: 'export' }, orderBy: { id: 'asc' } });
    expect(exports.map((e) => JSON.parse(e.after!))).toMatchObject([
      { count: 2, withPersonalData: false, destination: 'web' },
      { count: 1, withPersonalData: true, destination: 'web' },
    ]);
    expect(await app.db.auditLog.count({ where: { action: 'voter.data_view' } })).toBe(1);
    const none = await staff.post('/web/petitions/bulk', { action: 'export', back: '/web/petitions' });
    expect(decodeURIComponent(none.headers.get('location')!)).toContain('Chưa chọn kiến nghị nào');
  });

  it('searches the redacted text once retention has removed personal data', async () => {
    app = await startTestApp({});
    const { code } = await seed(app);
    const staff = await signIn(app);
    expect((await listed(staff, '/web/petitions?q=nguyen van hung')).codes).toEqual([code.waste]);
    await app.db.petition.update({ where: { trackingCode: code.waste }, data: { status: 'resolved' } });
    const report = await runRetention(
      app.db,
      { RETENTION_PERSONAL_DAYS: 0, RETENTION_CONVERSATION_DAYS: 30 },
      { now: new Date(Date.now() + 60_000) },
    );
    expect(report.counts.petitionsRedacted).toBe(1);
    expect((await listed(staff, '/web/petitions?q=nguyen van hung')).total).toBe(0);
    expect((await listed(staff, '/web/petitions?q=0912345678')).total).toBe(0);
    expect((await listed(staff, '/web/petitions?q=rac thai')).codes).toEqual([code.waste]);
  });

  it('changes nothing on a bulk form posted without its CSRF token', async () => {
    app = await startTestApp({});
    const { code } = await seed(app);
    const staff = await signIn(app);
    const refused = await staff.post(
      '/web/petitions/bulk',
      { code: [code.road], action: 'level', level: 'central', back: '/web/petitions' },
      { csrf: false },
    );
    expect(refused.status).toBe(403);
    expect(await app.db.petition.findUniqueOrThrow({ where: { trackingCode: code.road } })).toMatchObject({
      authority: 'commune',
    });
    expect(await app.db.auditLog.count({ where: { action: { startsWith: 'petition.' } } })).toBe(0);
  });

  it('gives a deputy their scope only, texts redacted, no identity and no bulk form', async () => {
    app = await startTestApp({});
    const { code } = await seed(app);
    const deputy = await app.db.deputy.create({
      data: { name: 'Lê Văn Cường', nameKey: deputyKey('Lê Văn Cường'), constituency: 'Đơn vị số 1' },
    });
    const client = await signIn(app, await addStaff(app, 'deputy', { deputyId: deputy.id }));
    const view = await listed(client, '/web/petitions');
    expect(new Set(view.codes)).toEqual(new Set([code.road, code.waste, code.lateNight]));
    expect(view.total).toBe(3);
    expect(view.html).not.toContain('0912345678');
    expect(view.html).not.toContain('Nguyễn Văn Hùng');
    expect(view.html).toContain('[số điện thoại]');
    expect(view.html).not.toContain('/web/petitions/bulk');
    expect(view.html).not.toContain('name="code"');
    // The filter cannot widen the scope.
    expect((await listed(client, '/web/petitions?meeting=HN-B')).codes).toEqual([]);
    expect((await listed(client, '/web/petitions?q=luat dat dai')).total).toBe(0);
    const post = await client.post('/web/petitions/bulk', { code: [code.road], action: 'level', level: 'central' });
    expect(post.status).toBe(403);
    expect(await app.db.petition.findUniqueOrThrow({ where: { trackingCode: code.road } })).toMatchObject({
      authority: 'commune',
    });
  });
});
