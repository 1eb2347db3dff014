// The office pages over real HTTP: themes (confirm, rename, merge, split, move; a deputy's
// scoped, redacted, read-only view), the Word/Excel report and the CSV/JSON-lines export
// (personal data only when asked for and consented, every download in the audit log),
// people (invite and revoke by admins only; a revoked member's session ends) and the
// audit log's filters.
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { startTestApp } from '../helpers/app.ts';
import { addStaff, signIn, type WebClient } from '../helpers/web.ts';

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const PHONE = '0912345678';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const RECEIVED = new Date('2026-11-10T03:00:00Z');

interface Seeded {
  meetingId: number;
  otherMeetingId: number;
  deputyId: number;
  groups: number[];
  codes: string[];
}

let nextCode = 1;
function trackingCode(): string {
  return `KN-2026-${String(nextCode++).padStart(6, '0')}`;
}

/**
 * Two meetings (the deputy attended the first), a consenting voter and an anonymous one,
 * and three themes: two in the deputy's meeting, one in the other meeting.
 */
async function seed(db: App['db']): Promise<Seeded> {
  const deputy = await db.deputy.create({ data: { name: 'Nguyễn Văn An', nameKey: 'nguyen van an' } });
  const meeting = await db.meeting.create({
    data: { code: 'HN-01', title: 'Tiếp xúc cử tri phường Láng', startsAt: RECEIVED, place: 'Nhà văn hóa' },
  });
  const other = await db.meeting.create({
    data: { code: 'HN-02', title: 'Tiếp xúc cử tri phường Kim Liên', startsAt: RECEIVED, place: 'Hội trường' },
  });
  await db.meetingDeputy.create({ data: { meetingId: meeting.id, deputyId: deputy.id } });
  const named = await db.voter.create({
    data: {
      channel: 'telegram',
      channelUserId: '501',
      chatId: '501',
      name: 'Trần Thị Hoa',
      phone: PHONE,
      consent: 'agreed',
    },
  });
  const hidden = await db.voter.create({
    data: { channel: 'telegram', channelUserId: '502', chatId: '502', name: 'Lê Văn Ẩn', consent: 'anonymous' },
  });
  const groups: number[] = [];
  const codes: string[] = [];
  const themes: [string, number, string[]][] = [
    [
      'Ngập đường Láng',
      meeting.id,
      [`Đề nghị chống ngập đường Láng, liên hệ ${PHONE}`, 'Đường Láng ngập mỗi khi mưa', 'Cống đường Láng tắc'],
    ],
    ['Lương hưu', meeting.id, ['Đề nghị tăng lương hưu trước 1995', 'Lương hưu thấp']],
    ['Rác chợ Kim Liên', other.id, ['Rác thải chợ Kim Liên không được thu gom']],
  ];
  for (const [title, meetingId, texts] of themes) {
    const group = await db.petitionGroup.create({ data: { title } });
    groups.push(group.id);
    for (const [index, text] of texts.entries()) {
      const code = trackingCode();
      codes.push(code);
      const anonymous = index === 1;
      await db.petition.create({
        data: {
          trackingCode: code,
          channel: 'telegram',
          text,
          textNormalized: text,
          meetingId,
          groupId: group.id,
          voterId: anonymous ? hidden.id : named.id,
          anonymous,
          receivedAt: RECEIVED,
          authority: 'commune',
          field: 'transport',
        },
      });
    }
  }
  return { meetingId: meeting.id, otherMeetingId: other.id, deputyId: deputy.id, groups, codes };
}

async function page(client: WebClient, path: string): Promise<string> {
  const response = await client.get(path);
  expect(response.status).toBe(200);
  return response.text();
}

/** A form post answered with a redirect (303) back to a page; returns where it points. */
async function posted(client: WebClient, path: string, fields: Record<string, string | string[]>): Promise<string> {
  const response = await client.post(path, fields);
  expect(response.status).toBe(303);
  return response.headers.get('location') ?? '';
}

async function start(): Promise<{ staff: WebClient; seeded: Seeded }> {
  nextCode = 1;
  app = await startTestApp({});
  const seeded = await seed(app.db);
  const staff = await signIn(app, await addStaff(app, 'staff'));
  return { staff, seeded };
}

const membersOf = async (groupId: number) =>
  (await app!.db.petition.findMany({ where: { groupId }, orderBy: { id: 'asc' } })).map((p) => p.trackingCode);

describe('themes', () => {
  it('lists themes with counts, quotes and links, and confirms, renames, merges, splits and moves', async () => {
    const { staff, seeded } = await start();
    const [flood, pension, litter] = seeded.groups as [number, number, number];
    const list = await page(staff, '/web/themes');
    expect(list).toContain('Ngập đường Láng');
    expect(list).toContain(`href="/web/petitions?theme=${flood}">3</a>`);
    // Quotes are verbatim for staff (the anonymous one is redacted).
    expect(list).toContain(PHONE);
    expect(list).toContain('Đường Láng ngập mỗi khi mưa');

    expect(await posted(staff, `/web/themes/${flood}/confirm`, {})).toMatch(
      new RegExp(`^/web/themes/${flood}\\?notice=`),
    );
    expect((await app!.db.petitionGroup.findUniqueOrThrow({ where: { id: flood } })).confirmed).toBe(true);

    await posted(staff, `/web/themes/${flood}/rename`, { title: 'Chống ngập đường Láng' });
    expect((await app!.db.petitionGroup.findUniqueOrThrow({ where: { id: flood } })).title).toBe(
      'Chống ngập đường Láng',
    );
    const rename = await app!.db.auditLog.findFirstOrThrow({ where: { action: 'group.rename' } });
    expect(JSON.parse(rename.before!)).toEqual({ title: 'Ngập đường Láng' });
    expect(rename.actor).toMatch(/\(staff, web\)$/);

    // Merge: the theme marked "keep" takes the others' petitions.
    await posted(staff, '/web/themes/merge', { group: [String(pension), String(litter)], target: String(pension) });
    expect(await app!.db.petitionGroup.findUnique({ where: { id: litter } })).toBeNull();
    expect(await membersOf(pension)).toEqual([...seeded.codes.slice(3, 5), seeded.codes[5]]);

    // Split two petitions out into a new theme.
    const location = await posted(staff, `/web/themes/${pension}/split`, {
      code: seeded.codes.slice(3, 5),
      title: 'Lương hưu trước 1995',
    });
    const splitId = Number(/\/web\/themes\/(\d+)/.exec(location)![1]);
    expect(await membersOf(splitId)).toEqual(seeded.codes.slice(3, 5));
    expect((await app!.db.petitionGroup.findUniqueOrThrow({ where: { id: splitId } })).title).toBe(
      'Lương hưu trước 1995',
    );
    expect(await page(staff, `/web/themes/${splitId}`)).toContain(`/web/petitions/${seeded.codes[3]}`);

    // Move one petition between themes; the emptied theme goes.
    await posted(staff, `/web/themes/${pension}/move`, { code: [seeded.codes[5]!], target: String(flood) });
    expect(await membersOf(flood)).toEqual([...seeded.codes.slice(0, 3), seeded.codes[5]]);
    expect(await app!.db.petitionGroup.findUnique({ where: { id: pension } })).toBeNull();

    const actions = (await app!.db.auditLog.findMany({ where: { action: { startsWith: 'group.' } } })).map(
      (row) => row.action,
    );
    expect(actions).toEqual(['group.confirm', 'group.rename', 'group.merge', 'group.split', 'group.move']);
  });

  it('refuses a change without its CSRF token, and a merge of one theme', async () => {
    const { staff, seeded } = await start();
    const refused = await staff.post(`/web/themes/${seeded.groups[0]}/rename`, { title: 'X' }, { csrf: false });
    expect(refused.status).toBe(403);
    expect((await app!.db.petitionGroup.findUniqueOrThrow({ where: { id: seeded.groups[0] } })).title).toBe(
      'Ngập đường Láng',
    );
    const location = await posted(staff, '/web/themes/merge', { group: String(seeded.groups[0]) });
    expect(decodeURIComponent(location)).toContain('error=Xin chọn ít nhất hai chủ đề');
    expect(await app!.db.petitionGroup.count()).toBe(3);
  });

  it("shows a deputy only their scope's themes, counts and redacted quotes, read-only", async () => {
    const { seeded } = await start();
    const deputy = await signIn(app!, await addStaff(app!, 'deputy', { deputyId: seeded.deputyId }));
    const list = await page(deputy, '/web/themes');
    expect(list).toContain('Ngập đường Láng');
    expect(list).toContain('Lương hưu');
    expect(list).not.toContain('Rác chợ Kim Liên');
    expect(list).not.toContain(PHONE);
    expect(list).toContain('[số điện thoại]');
    expect(list).not.toContain('action="/web/themes/merge"');
    const detail = await page(deputy, `/web/themes/${seeded.groups[0]}`);
    expect(detail).not.toContain(PHONE);
    expect(detail).not.toContain('Trần Thị Hoa');
    expect(detail).not.toContain('<form method="post" action="/web/themes/');
    expect((await deputy.get(`/web/themes/${seeded.groups[2]}`)).status).toBe(404);
    expect((await deputy.post(`/web/themes/${seeded.groups[0]}/confirm`)).status).toBe(403);
    expect((await app!.db.petitionGroup.findUniqueOrThrow({ where: { id: seeded.groups[0] } })).confirmed).toBe(false);
  });
});

describe('reports and exports', () => {
  it('downloads the Word and Excel report as attachments, each in the audit log', async () => {
    const { staff } = await start();
    const form = await page(staff, '/web/reports');
    expect(form).toContain('<option value="HN-01"');
    expect(form).toContain('action="/web/reports/export"');
    const docx = await staff.post('/web/reports/report', { from: '2026-11-01', to: '2026-11-30', format: 'docx' });
    expect(docx.status).toBe(200);
    expect(docx.headers.get('content-type')).toBe(DOCX);
    expect(docx.headers.get('content-disposition')).toMatch(
      /^attachment; filename="bao-cao-kien-nghi-2026-11-01-2026-11-30\.docx"/,
    );
    expect(
      Buffer.from(await docx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');

    const xlsx = await staff.post('/web/reports/report', {
      from: '01/11/2026',
      to: '30/11/2026',
      meeting: 'HN-01',
      format: 'xlsx',
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe(XLSX);
    expect(xlsx.headers.get('content-disposition')).toContain('-HN-01.xlsx');
    await xlsx.arrayBuffer();

    const rows = await app!.db.auditLog.findMany({ where: { action: 'report.download' }, orderBy: { id: 'asc' } });
    expect(rows.map((row) => JSON.parse(row.after!) as Record<string, unknown>)).toMatchObject([
      { from: '2026-11-01', to: '2026-11-30', meetingCode: null, format: 'docx', petitions: 6 },
      { from: '2026-11-01', to: '2026-11-30', meetingCode: 'HN-01', format: 'xlsx', petitions: 5 },
    ]);
    expect(rows[0]!.actor).toMatch(/\(staff, web\)$/);

    const bad = await staff.post('/web/reports/report', { from: '31/02/2026', to: '2026-11-30', format: 'docx' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Ngày không hợp lệ');
    const unknown = await staff.post('/web/reports/report', {
      from: '2026-11-01',
      to: '2026-11-30',
      meeting: 'NOPE',
      format: 'docx',
    });
    expect(unknown.status).toBe(422);
    expect(await app!.db.auditLog.count({ where: { action: 'report.download' } })).toBe(2);
  });

  it('exports CSV without personal data unless asked, and never for an anonymous sender', async () => {
    const { staff } = await start();
    const plain = await staff.post('/web/reports/export', { format: 'csv', from: '', to: '' });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(plain.headers.get('content-disposition')).toMatch(/^attachment; filename="kien-nghi-.*\.csv"/);
    const csv = await plain.text();
    const [header, ...lines] = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(header).toContain('trackingCode');
    expect(header).not.toContain('voterName');
    expect(lines).toHaveLength(6);
    expect(csv).not.toContain('Trần Thị Hoa');

    const personal = await staff.post('/web/reports/export', { format: 'csv', personal: '1', to: '2026-11-30' });
    const withData = await personal.text();
    expect(withData.split('\r\n')[0]).toContain('voterName');
    expect(withData).toContain('Trần Thị Hoa');
    expect(withData).not.toContain('Lê Văn Ẩn');

    const jsonl = await staff.post('/web/reports/export', { format: 'jsonl', from: '2026-12-01' });
    expect(jsonl.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(await jsonl.text()).toBe('');

    const exports = await app!.db.auditLog.findMany({ where: { action: 'export' }, orderBy: { id: 'asc' } });
    expect(exports.map((row) => JSON.parse(row.after!) as Record<string, unknown>)).toMatchObject([
      { format: 'csv', withPersonalData: false, count: 6, destination: 'web', from: null, to: null },
      { format: 'csv', withPersonalData: true, count: 6, to: '2026-11-30T17:00:00.000Z' },
      { format: 'jsonl', withPersonalData: false, count: 0, from: '2026-11-30T17:00:00.000Z' },
    ]);
    expect(exports.every((row) => row.actor.endsWith('(staff, web)'))).toBe(true);
    expect(await app!.db.auditLog.count({ where: { action: 'voter.data_view' } })).toBe(1);
  });

  it('is closed to deputies', async () => {
    const { seeded } = await start();
    const deputy = await signIn(app!, await addStaff(app!, 'deputy', { deputyId: seeded.deputyId }));
    expect((await deputy.get('/web/reports')).status).toBe(403);
    expect((await deputy.post('/web/reports/export', { format: 'csv' })).status).toBe(403);
    expect((await deputy.post('/web/reports/report', { from: '2026-11-01', to: '2026-11-30' })).status).toBe(403);
    expect(await app!.db.auditLog.count({ where: { action: { in: ['export', 'report.download'] } } })).toBe(0);
  });
});

describe('people', () => {
  it('lets an admin invite and revoke, and ends the revoked member’s sessions', async () => {
    const { staff, seeded } = await start();
    const admin = await signIn(app!);
    const listed = await page(admin, '/web/people');
    expect(listed).toContain('Nguyễn Văn An');

    const location = await posted(admin, '/web/people/invite', { role: 'deputy', deputy: 'nguyen van an' });
    const invite = await app!.db.invite.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(invite).toMatchObject({ role: 'deputy', deputyId: seeded.deputyId, usedAt: null });
    const shown = await page(admin, location);
    expect(shown).toContain(invite.code);
    expect(shown).toContain(`/thamgia ${invite.code}`);

    await posted(admin, '/web/people/invite', { role: 'staff' });
    expect(await app!.db.invite.count({ where: { role: 'staff' } })).toBe(1);
    expect(await app!.db.auditLog.count({ where: { action: 'invite.create' } })).toBe(2);

    // Staff see the people but may not invite or revoke.
    const staffView = await page(staff, '/web/people');
    expect(staffView).not.toContain(invite.code);
    expect(staffView).not.toContain('action="/web/people/invite"');
    expect((await staff.post('/web/people/invite', { role: 'staff' })).status).toBe(403);
    expect(await app!.db.invite.count()).toBe(2);

    const memberId = await addStaff(app!, 'staff');
    const member = await signIn(app!, memberId);
    expect((await staff.post(`/web/people/${memberId}/revoke`)).status).toBe(403);
    expect((await member.get('/web/themes')).status).toBe(200);
    await posted(admin, `/web/people/${memberId}/revoke`, {});
    expect((await app!.db.staffMember.findUniqueOrThrow({ where: { id: memberId } })).revokedAt).not.toBeNull();
    expect((await member.get('/web/themes')).status).toBe(401);
    const revoked = await app!.db.auditLog.findFirstOrThrow({ where: { action: 'staff.revoke' } });
    expect(revoked).toMatchObject({ entityId: String(memberId), actor: 'web:admin (admin, web)' });

    // Withdrawing an open invite expires it.
    await posted(admin, `/web/people/invites/${invite.code}/withdraw`, {});
    expect((await app!.db.invite.findUniqueOrThrow({ where: { id: invite.id } })).expiresAt <= new Date()).toBe(true);
  });
});

describe('audit log', () => {
  it('filters by actor, action, entity and id, and period, newest first', async () => {
    const { staff, seeded } = await start();
    const [flood, pension] = seeded.groups as [number, number];
    await posted(staff, `/web/themes/${flood}/confirm`, {});
    await posted(staff, `/web/themes/${pension}/rename`, { title: 'Chế độ lương hưu' });
    const exported = await app!.db.auditLog.create({
      data: { actor: 'cli:office', action: 'export', entity: 'Petition' },
    });

    const all = await page(staff, '/web/audit');
    expect(all.indexOf('export')).toBeLessThan(all.indexOf('group.rename'));
    expect(all.indexOf('group.rename')).toBeLessThan(all.indexOf('group.confirm'));

    const groupsOnly = await page(staff, '/web/audit?action=group.');
    expect(groupsOnly).toContain('group.confirm');
    expect(groupsOnly).not.toContain('cli:office');
    expect(groupsOnly).toContain('title: Lương hưu → Chế độ lương hưu');

    const byActor = await page(staff, '/web/audit?actor=cli%3Aoffice');
    expect(byActor).toContain('cli:office');
    expect(byActor).not.toContain('group.confirm');

    const byEntity = await page(staff, `/web/audit?entity=PetitionGroup&id=${pension}`);
    expect(byEntity).toContain('group.rename');
    expect(byEntity).not.toContain('group.confirm');

    expect(await page(staff, '/web/audit?from=2099-01-01')).toContain('Không có mục nào.');
    expect((await staff.get('/web/audit?from=31/02/2026')).status).toBe(200);

    // Keyset pages: older entries after the last id shown (jobs may write entries of their own meanwhile).
    const older = await page(staff, `/web/audit?before=${exported.id}`);
    expect(older).not.toContain('cli:office');
    expect(older).toContain('group.rename');
  });
});
