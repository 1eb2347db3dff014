// The meetings pages over HTTP: create, edit, open, close and cancel through the forms (audited
// as the chat commands audit them), the list and calendar, a meeting's QR code and poster, the
// minutes upload (preview, correct, confirm) and quick entry, and a deputy's read-only scope.
import PDFDocument from 'pdfkit';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { saveMeeting } from '../../src/meetings/service.ts';
import { startTestApp, waitUntil } from '../helpers/app.ts';
import { addStaff, signIn, type WebClient } from '../helpers/web.ts';
import { MINUTES_TEXT } from '../minutes/documents.ts';
import { auditedActions, pngSize } from '../staff/support.ts';

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const MEETING = {
  code: 'bn-01',
  title: 'Tiếp xúc cử tri phường Bến Nghé',
  kind: 'before_session',
  start: '2026-12-05T08:00',
  end: '2026-12-05T11:00',
  place: 'Nhà văn hóa khu phố 3',
  ward: 'Phường Bến Nghé',
  constituency: 'Đơn vị số 1',
  deputies: 'Nguyễn Thị Dung\nLê Văn Tám',
  expectedVoters: '120',
};

async function staffClient(): Promise<WebClient> {
  app = await startTestApp({});
  return signIn(app);
}

const noticeOf = (response: Response) =>
  decodeURIComponent(new URL(response.headers.get('location')!, 'http://x').searchParams.get('notice') ?? '');

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The fields a browser would post from the form at `action` (inputs, checked boxes, textareas). */
function formFields(page: string, action: string): Record<string, string> {
  const start = page.indexOf(`action="${action}"`);
  const form = page.slice(start, page.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    if (!name || name === '_csrf' || (/type="checkbox"/.test(tag) && !/\bchecked\b/.test(tag))) continue;
    fields[name] = decode(/value="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  for (const [, name, value] of form.matchAll(/<textarea name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) {
    fields[name!] = decode(value!);
  }
  return fields;
}

async function upload(client: WebClient, code: string, name: string, content: Buffer | string): Promise<Response> {
  const body = new FormData();
  body.append('_csrf', client.csrf);
  body.append('file', new Blob([content]), name);
  return fetch(`${client.base}/web/meetings/${code}/minutes`, {
    method: 'POST',
    headers: { cookie: client.cookie },
    body,
    redirect: 'manual',
  });
}

/** Minutes as a PDF with a text layer, one speaker a line (DejaVu, as the posters use). */
async function minutesPdf(lines: string[]): Promise<Buffer> {
  const fonts = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const doc = new PDFDocument({ size: 'A4', margin: 48 });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.font(join(fonts, 'DejaVuSans.ttf')).fontSize(11);
  for (const line of lines) doc.text(line, { width: 1000, lineBreak: false }).moveDown(0.5);
  doc.end();
  return done;
}

describe('meetings pages', () => {
  it('creates, edits, opens, closes and cancels a meeting through the forms, audited as in chat', async () => {
    const client = await staffClient();
    expect((await client.get('/web/meetings/new')).status).toBe(200);
    const created = await client.post('/web/meetings', MEETING);
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toMatch(/^\/web\/meetings\/BN-01\?notice=/);
    const meeting = await app!.db.meeting.findUniqueOrThrow({
      where: { code: 'BN-01' },
      include: { deputies: { include: { deputy: true } } },
    });
    expect(meeting).toMatchObject({ title: MEETING.title, place: MEETING.place, expectedVoters: 120 });
    expect(meeting.startsAt.toISOString()).toBe('2026-12-05T01:00:00.000Z');
    expect(meeting.deputies.map((d) => d.deputy.name).sort()).toEqual(['Lê Văn Tám', 'Nguyễn Thị Dung']);

    // The same code again, or a bad date, changes nothing.
    const again = await client.post('/web/meetings', MEETING);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('BN-01');
    const bad = await client.post('/web/meetings', { ...MEETING, code: 'BN-02', start: '31/02/2026 08:00' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Ngày giờ không hợp lệ');
    expect(await app!.db.meeting.count()).toBe(1);

    const editPage = await (await client.get('/web/meetings/BN-01/edit')).text();
    const fields = formFields(editPage, '/web/meetings/BN-01');
    expect(fields).toMatchObject({ title: MEETING.title, start: MEETING.start, expectedVoters: '120' });
    const edited = await client.post('/web/meetings/BN-01', { ...fields, place: 'Hội trường UBND phường' });
    expect(edited.status).toBe(303);
    const page = await (await client.get('/web/meetings/BN-01')).text();
    expect(page).toContain('Hội trường UBND phường');
    expect(page).toContain('Nguyễn Thị Dung');

    for (const status of ['open', 'closed', 'cancelled']) {
      const response = await client.post('/web/meetings/BN-01/status', { status });
      expect(response.status).toBe(303);
      expect((await app!.db.meeting.findUniqueOrThrow({ where: { code: 'BN-01' } })).status).toBe(status);
    }
    const reopen = await client.post('/web/meetings/BN-01/status', { status: 'open' });
    expect(noticeOf(reopen)).toContain('đã bị hủy');
    expect((await app!.db.meeting.findUniqueOrThrow({ where: { code: 'BN-01' } })).status).toBe('cancelled');
    expect(await auditedActions(app!)).toEqual([
      'meeting.create',
      'meeting.edit',
      'meeting.open',
      'meeting.closed',
      'meeting.cancelled',
    ]);
    const edit = await app!.db.auditLog.findFirstOrThrow({ where: { action: 'meeting.edit' } });
    expect(edit.actor).toBe('web:admin (admin, web)');
    expect(JSON.parse(edit.before!)).toMatchObject({ place: MEETING.place });
    expect(JSON.parse(edit.after!)).toMatchObject({ place: 'Hội trường UBND phường' });

    // A form without its CSRF token changes nothing.
    expect((await client.post('/web/meetings/BN-01/status', { status: 'closed' }, { csrf: false })).status).toBe(403);
    expect((await app!.db.meeting.findUniqueOrThrow({ where: { code: 'BN-01' } })).status).toBe('cancelled');
  });

  it('lists meetings with their petitions and shows them on the month calendar', async () => {
    const client = await staffClient();
    const soon = new Date(Date.now() + 3 * 86_400_000);
    await saveMeeting(app!.db, { code: 'UP', title: 'Sắp họp', start: soon.toISOString(), place: 'UBND' });
    const past = await saveMeeting(app!.db, { code: 'OLD', title: 'Đã họp', start: '2026-01-10T08:00', place: 'UBND' });
    for (let i = 0; i < 3; i++) {
      await app!.db.petition.create({
        data: {
          trackingCode: `KN-2026-00000${i}`,
          channel: 'telegram',
          text: 't',
          textNormalized: 't',
          meetingId: past.id,
        },
      });
    }
    const list = await (await client.get('/web/meetings')).text();
    expect(list.indexOf('data-meeting="UP"')).toBeLessThan(list.indexOf('Đã qua'));
    expect(list.indexOf('data-meeting="OLD"')).toBeGreaterThan(list.indexOf('Đã qua'));
    expect(list).toMatch(/href="\/web\/petitions\?meeting=OLD" data-petitions="3"/);
    const calendar = await (await client.get('/web/meetings?view=calendar&month=2026-01')).text();
    expect(calendar).toMatch(/data-day="2026-01-10">[\s\S]*?href="\/web\/meetings\/OLD"/);
    expect(calendar).not.toContain('/web/meetings/UP"');
  });

  it('shows the QR code and the poster, served as PNG and PDF', async () => {
    const client = await staffClient();
    await client.post('/web/meetings', MEETING);
    const page = await (await client.get('/web/meetings/BN-01')).text();
    expect(page).toContain('<img src="/web/meetings/BN-01/qr.png"');
    expect(page).toContain('href="/web/meetings/BN-01/poster.pdf"');
    expect(page).toMatch(/data-figure="expected">\s*120\s*</);
    const png = await client.get('/web/meetings/BN-01/qr.png');
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(pngSize(Buffer.from(await png.arrayBuffer())).width).toBe(600);
    const pdf = await client.get('/web/meetings/BN-01/poster.pdf?size=a5');
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    expect((await client.get('/web/meetings/NOPE/qr.png')).status).toBe(404);
  });

  it('previews uploaded minutes, stores what staff confirm, and recognises them the next time', async () => {
    const client = await staffClient();
    await client.post('/web/meetings', MEETING);
    const preview = await upload(client, 'BN-01', 'bien-ban.txt', MINUTES_TEXT);
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toMatch(/bỏ qua\s+11\s+đoạn/);
    expect(await app!.db.petition.count()).toBe(0);
    const fields = formFields(html, '/web/meetings/BN-01/minutes/confirm');
    expect(fields.count).toBe('8');
    expect(fields['speaker.0']).toBe('Nguyễn Văn An');
    expect(fields['voters.2']).toBe('2');
    // Staff correct the first text and drop the last item.
    fields['text.0'] = 'Đường Lê Lợi ngập nặng mỗi khi mưa, đề nghị nạo vét cống thoát nước.';
    delete fields['keep.7'];
    const confirmed = await client.post('/web/meetings/BN-01/minutes/confirm', fields);
    expect(confirmed.status).toBe(303);
    expect(noticeOf(confirmed)).toContain('7 kiến nghị mới');
    const stored = await app!.db.petition.findMany({ orderBy: { id: 'asc' } });
    expect(stored).toHaveLength(7);
    expect(stored[0]).toMatchObject({
      text: fields['text.0'],
      speaker: 'Nguyễn Văn An',
      legalBasis: 'minutes',
      channel: 'meeting',
      sourceFile: 'bien-ban.txt',
    });
    expect(stored[2]).toMatchObject({ voters: 2 });
    expect(stored.some((p) => p.text.includes('thủ tục đất đai'))).toBe(false);
    expect(await auditedActions(app!)).toContain('petition.import');

    const again = await (await upload(client, 'BN-01', 'bien-ban.txt', MINUTES_TEXT)).text();
    expect(again).toMatch(/mới 1, cập nhật 1, không đổi\s+6\)/);
    expect(again).toContain(stored[1]!.trackingCode);

    const page = await (await client.get('/web/meetings/BN-01')).text();
    expect(page).toMatch(/data-figure="minutes-voters">\s*8\s*</);
    expect(page).toContain(stored[0]!.trackingCode);
  });

  it('reads minutes from a PDF and refuses a file it cannot take', async () => {
    const client = await staffClient();
    await client.post('/web/meetings', MEETING);
    const pdf = await minutesPdf([
      'BIÊN BẢN HỘI NGHỊ TIẾP XÚC CỬ TRI',
      'Cử tri Nguyễn Văn An (tổ dân phố 5) phản ánh: đề nghị nạo vét cống đường Lê Lợi.',
      'Cử tri Phạm Văn Dũng kiến nghị: tăng chuyến xe buýt số 18.',
    ]);
    const html = await (await upload(client, 'BN-01', 'bien-ban.pdf', pdf)).text();
    const fields = formFields(html, '/web/meetings/BN-01/minutes/confirm');
    expect(fields.count).toBe('2');
    expect(fields['text.0']).toContain('nạo vét cống');
    expect(fields['speaker.1']).toBe('Phạm Văn Dũng');
    const refused = await upload(client, 'BN-01', 'bien-ban.exe', 'MZ');
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('Chỉ nhận tệp');
  });

  it('stores one petition from the quick-entry form as /ghi does', async () => {
    const client = await staffClient();
    await client.post('/web/meetings', MEETING);
    const response = await client.post('/web/meetings/BN-01/entries', {
      text: 'Đề nghị sửa cống thoát nước đường Lê Lợi.',
      speaker: 'Nguyễn Văn An',
      area: 'tổ dân phố 5',
      voters: '3',
    });
    expect(response.status).toBe(303);
    const code = /KN-\d{4}-\d{6}/.exec(noticeOf(response))![0];
    expect(noticeOf(response)).toBe(`Đã ghi kiến nghị ${code} vào hội nghị BN-01.`);
    const stored = await app!.db.petition.findUniqueOrThrow({ where: { trackingCode: code } });
    expect(stored).toMatchObject({
      channel: 'meeting',
      legalBasis: 'minutes',
      voterId: null,
      speaker: 'Nguyễn Văn An',
      speakerArea: 'tổ dân phố 5',
      voters: 3,
      ward: 'Phường Bến Nghé',
    });
    // Classified like any other petition.
    await waitUntil(async () => (await app!.db.petition.findUnique({ where: { trackingCode: code } }))?.field);
    const empty = await client.post('/web/meetings/BN-01/entries', { text: '  ' });
    expect(empty.status).toBe(422);
    expect(await app!.db.petition.count()).toBe(1);
  });

  it('shows a deputy only the meetings of their scope, read-only', async () => {
    app = await startTestApp({});
    const db = app.db;
    const mine = await saveMeeting(db, {
      code: 'MINE',
      title: 'Của tôi',
      start: '2026-12-05T08:00',
      place: 'UBND',
      constituency: 'Đơn vị số 1',
      deputies: 'Nguyễn Thị Dung',
    });
    await saveMeeting(db, {
      code: 'OTHER',
      title: 'Của người khác',
      start: '2026-12-06T08:00',
      place: 'UBND',
      constituency: 'Đơn vị số 2',
      deputies: 'Trần Văn Hai',
    });
    await db.petition.create({
      data: {
        trackingCode: 'KN-2026-000001',
        channel: 'meeting',
        text: 'Ông Nguyễn Văn Bảy, số điện thoại 0912345678, đề nghị sửa đường.',
        textNormalized: 'Ông Nguyễn Văn Bảy, số điện thoại 0912345678, đề nghị sửa đường.',
        meetingId: mine.id,
        speaker: 'Nguyễn Văn Bảy',
        legalBasis: 'minutes',
      },
    });
    const dung = await db.deputy.findFirstOrThrow({ where: { name: 'Nguyễn Thị Dung' } });
    const deputy = await signIn(app, await addStaff(app, 'deputy', { deputyId: dung.id }));
    const list = await (await deputy.get('/web/meetings')).text();
    expect(list).toContain('data-meeting="MINE"');
    expect(list).not.toContain('OTHER');
    for (const path of ['/web/meetings/OTHER', '/web/meetings/OTHER/qr.png', '/web/meetings/OTHER/poster.pdf']) {
      expect((await deputy.get(path)).status, path).toBe(404);
    }
    const page = await deputy.get('/web/meetings/MINE');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('/web/meetings/MINE/entries');
    expect(html).not.toContain('/web/meetings/MINE/status');
    expect(html).not.toContain('0912345678');
    expect(html).not.toContain('Nguyễn Văn Bảy');
    expect(html).toContain('KN-2026-000001');
    expect((await deputy.get('/web/meetings/new')).status).toBe(403);
    expect((await deputy.post('/web/meetings/MINE/status', { status: 'closed' })).status).toBe(403);
    expect((await db.meeting.findUniqueOrThrow({ where: { code: 'MINE' } })).status).toBe('scheduled');
  });
});
