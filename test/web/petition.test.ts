// One petition's page over real HTTP, with the voter on the fake Telegram: the text as sent,
// the files fetched through the Bot API (getFile, then the download) and never by platform
// URL, the actions (correct, forward, answer with its document, resolve, duplicate, reject)
// with their histories, the answer reaching the voter once, and what deputies may see.
import { Document, Packer, Paragraph } from 'docx';
import { afterEach, describe, expect, it } from 'vitest';
import { saveMeeting } from '../../src/meetings/service.ts';
import { photoMessage, voiceMessage } from '../fakes/telegram.ts';
import { waitUntil } from '../helpers/app.ts';
import { addStaff, signIn, type WebClient } from '../helpers/web.ts';
import { newUserId, startHarness, type Harness } from '../staff/support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2_000, 7)]);
const OGG = Buffer.concat([Buffer.from('OggS', 'latin1'), Buffer.alloc(3_000, 3)]);
const ANSWERED = 'đã có trả lời';

/** A voter on the fake Telegram who agrees to give a name, or stays anonymous; returns their id. */
async function voter(harness: Harness, consent: 'agree' | 'anonymous', meeting = ''): Promise<number> {
  const user = newUserId();
  await harness.text(user, `/start ${meeting}`.trim());
  await harness.press(user, `consent:${consent}`);
  if (consent === 'agree') {
    await harness.text(user, 'Trần Thị Hoa');
    await harness.text(user, 'Phường Cầu Giấy');
  }
  return user;
}

function codeIn(reply: string | undefined): string {
  return /KN-\d{4}-\d{6}/.exec(reply ?? '')![0];
}

async function sends(harness: Harness, user: number, text: string): Promise<string> {
  return codeIn((await harness.text(user, text))[0]);
}

/** Posts a multipart form (a file among the fields), as a browser sends the answer form. */
async function postMultipart(client: WebClient, path: string, form: FormData): Promise<Response> {
  form.append('_csrf', client.csrf);
  return fetch(`${client.base}${path}`, {
    method: 'POST',
    headers: { cookie: client.cookie },
    body: form,
    redirect: 'manual',
  });
}

async function html(response: Response): Promise<string> {
  expect(response.headers.get('content-type')).toContain('text/html');
  return response.text();
}

function answersTo(harness: Harness, user: number): string[] {
  return harness.telegram.textsTo(user).filter((text) => text.includes(ANSWERED));
}

async function settled(harness: Harness): Promise<void> {
  await waitUntil(
    async () => (await harness.app.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0,
  );
}

async function answerDocx(paragraphs: string[]): Promise<Buffer> {
  return Packer.toBuffer(new Document({ sections: [{ children: paragraphs.map((text) => new Paragraph(text)) }] }));
}

describe('a petition page', () => {
  it('shows the petition as sent and its photo, acts on it, and tells the voter the answer once', async () => {
    h = await startHarness({ ANSWER_DUE_DAYS: '20' });
    const db = h.app.db;
    const user = await voter(h, 'agree');
    h.telegram.files.set('PHOTO-large', JPEG);
    const sent = 'Đề nghị  sửa đèn chiếu sáng  hỏng ở ngõ 12 Trần Duy Hưng';
    const [stored] = await h.say(photoMessage(user, sent));
    const code = codeIn(stored);
    const staff = await signIn(h.app, await addStaff(h.app, 'staff'));

    const opened = await staff.get(`/web/petitions/${code.toLowerCase()}`);
    expect(opened.status).toBe(200);
    const body = await html(opened);
    expect(body).toContain(`<p class="petition-text">${sent}</p>`);
    expect(body).toContain('Bản đã chuẩn hoá');
    expect(body).toContain('Đề nghị sửa đèn chiếu sáng hỏng ở ngõ 12 Trần Duy Hưng');
    expect(body).toContain('Trần Thị Hoa');
    expect(body).toContain('Telegram');
    const attachment = await db.attachment.findFirstOrThrow({ where: { petition: { trackingCode: code } } });
    expect(body).toContain(`<img src="/web/attachments/${attachment.id}"`);
    // Neither the platform's address nor its token reaches the browser.
    expect(body).not.toContain(h.telegram.apiRoot);
    expect(body).not.toContain(h.telegram.token);
    expect(body).not.toContain('PHOTO-large');
    expect(await db.auditLog.count({ where: { action: 'voter.data_view' } })).toBe(1);

    const photo = await staff.get(`/web/attachments/${attachment.id}`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect(photo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await photo.arrayBuffer()).equals(JPEG)).toBe(true);
    expect(h.telegram.calls.filter((call) => call.method === 'getFile').at(-1)?.body.file_id).toBe('PHOTO-large');
    expect((await staff.get('/web/attachments/999999')).status).toBe(404);

    // Without the CSRF token nothing changes.
    const refused = await staff.post(
      `/web/petitions/${code}/classify`,
      { authority: 'commune', field: 'land' },
      {
        csrf: false,
      },
    );
    expect(refused.status).toBe(403);
    const corrected = await staff.post(`/web/petitions/${code}/classify`, {
      authority: 'commune',
      field: 'traffic_infrastructure',
      agency: 'UBND phường Cầu Giấy',
      reason: 'ngõ do phường quản lý',
    });
    expect(corrected.status).toBe(303);
    expect(corrected.headers.get('location')).toMatch(new RegExp(`^/web/petitions/${code}\\?notice=`));
    let petition = await db.petition.findUniqueOrThrow({ where: { trackingCode: code } });
    expect(petition).toMatchObject({ authority: 'commune', field: 'traffic_infrastructure', needsReview: false });
    const invalid = await staff.post(`/web/petitions/${code}/classify`, { authority: 'district', field: 'land' });
    expect(invalid.status).toBe(422);
    expect(await invalid.text()).toContain('Cấp không hợp lệ');

    const forwarded = await staff.post(`/web/petitions/${code}/forward`, {
      agency: 'UBND phường Cầu Giấy',
      date: '2026-12-01',
    });
    expect(forwarded.status).toBe(303);
    petition = await db.petition.findUniqueOrThrow({ where: { trackingCode: code } });
    expect(petition.status).toBe('forwarded');
    expect(petition.forwardedAt?.toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(petition.answerDueAt?.toISOString()).toBe('2026-12-20T17:00:00.000Z');
    expect((await staff.post(`/web/petitions/${code}/forward`, { agency: 'X', date: '31/02/2026' })).status).toBe(422);

    // The answer with its document: number and date read from it, the answer quoting the code.
    const docx = await answerDocx([
      'ỦY BAN NHÂN DÂN PHƯỜNG CẦU GIẤY',
      'Số: 412/UBND-QLĐT',
      'Cầu Giấy, ngày 10 tháng 12 năm 2026',
      `1. Về kiến nghị ${code}: phường đã thay bóng đèn ngõ 12 Trần Duy Hưng.`,
      'Nơi nhận: như trên.',
    ]);
    const form = new FormData();
    form.append('text', '');
    form.append('document', new File([new Uint8Array(docx)], 'tra-loi-412.docx'));
    const answered = await postMultipart(staff, `/web/petitions/${code}/answer`, form);
    expect(answered.status).toBe(303);
    expect(decodeURIComponent(answered.headers.get('location')!)).toContain('Cử tri sẽ nhận được thông báo trả lời');
    await waitUntil(async () => answersTo(h!, user).length === 1);
    const [told] = answersTo(h, user);
    expect(told).toContain(code);
    expect(told).toContain('412/UBND-QLĐT');
    expect(told).toContain('10/12/2026');
    expect(told).toContain('phường đã thay bóng đèn');
    petition = await db.petition.findUniqueOrThrow({ where: { trackingCode: code } });
    expect(petition).toMatchObject({ status: 'answered', answerRef: '412/UBND-QLĐT' });

    // A second answer is recorded, but the voter is not told again.
    const again = await staff.post(`/web/petitions/${code}/answer`, { text: 'Bổ sung: đã kiểm tra lại.', ref: '' });
    expect(again.status).toBe(303);
    await settled(h);
    expect(answersTo(h, user)).toHaveLength(1);
    expect((await db.petition.findUniqueOrThrow({ where: { trackingCode: code } })).answerText).toBe(
      'Bổ sung: đã kiểm tra lại.',
    );

    const stored2 = await db.attachment.findFirstOrThrow({ where: { petitionId: petition.id, kind: 'answer' } });
    const page = await html(await staff.get(`/web/petitions/${code}`));
    expect(page).toContain(`href="/web/attachments/${stored2.id}"`);
    expect(page).toContain('tra-loi-412.docx');
    const download = await staff.get(`/web/attachments/${stored2.id}`);
    expect(download.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(Buffer.from(await download.arrayBuffer()).equals(docx)).toBe(true);

    // Histories: the classifications with reasons, the status steps and the audit entries.
    expect(page).toContain('Lịch sử phân loại');
    expect(page).toContain('cán bộ sửa: ngõ do phường quản lý');
    expect(page).toContain('Đã chuyển cơ quan có thẩm quyền');
    expect(page).toContain('Đã có văn bản trả lời');
    for (const action of ['petition.correct', 'petition.forwarded', 'petition.answered'])
      expect(page).toContain(action);
    expect(page).toMatch(/<dt>Hạn trả lời<\/dt>\s*<dd>21\/12\/2026<\/dd>/);

    const other = await sends(h, user, 'Đề nghị sửa đèn ngõ 12 Trần Duy Hưng, đèn vẫn hỏng.');
    expect((await staff.post(`/web/petitions/${other}/duplicate`, { of: code })).status).toBe(303);
    const duplicate = await db.petition.findUniqueOrThrow({ where: { trackingCode: other } });
    expect(duplicate).toMatchObject({ status: 'duplicate', duplicateOfId: petition.id });
    expect((await staff.post(`/web/petitions/${other}/duplicate`, { of: other })).status).toBe(422);
    expect((await staff.post(`/web/petitions/${other}/reject`, { reason: '' })).status).toBe(422);
    expect((await staff.post(`/web/petitions/${other}/reject`, { reason: 'Trùng nội dung' })).status).toBe(303);
    expect((await db.petition.findUniqueOrThrow({ where: { trackingCode: other } })).rejectReason).toBe(
      'Trùng nội dung',
    );
    expect((await staff.post(`/web/petitions/${code}/resolve`, { note: 'đèn đã sáng' })).status).toBe(303);
    expect((await db.petition.findUniqueOrThrow({ where: { trackingCode: code } })).status).toBe('resolved');
    await settled(h);
    expect(answersTo(h, user)).toHaveLength(1);

    const unknown = await staff.get('/web/petitions/KN-2026-999999');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Không có kiến nghị mã');
  });

  it('never shows an anonymous sender, and plays a voice message fetched from the platform', async () => {
    h = await startHarness();
    const db = h.app.db;
    const user = await voter(h, 'anonymous');
    h.telegram.files.set('VOICE-7', OGG);
    const code = codeIn((await h.say(voiceMessage(user, 'VOICE-7')))[0]);
    const staff = await signIn(h.app, await addStaff(h.app, 'staff'));
    const body = await html(await staff.get(`/web/petitions/${code}`));
    expect(body).toContain('ẩn danh');
    const voice = await db.attachment.findFirstOrThrow({ where: { petition: { trackingCode: code } } });
    expect(body).toContain(`<audio controls preload="none" src="/web/attachments/${voice.id}"`);
    const audio = await staff.get(`/web/attachments/${voice.id}`);
    expect(audio.headers.get('content-type')).toBe('audio/ogg');
    expect(Buffer.from(await audio.arrayBuffer()).equals(OGG)).toBe(true);

    // A named voter's petition sent anonymously: the name never appears.
    const named = await voter(h, 'agree');
    const second = await sends(h, named, 'Đề nghị nạo vét cống thoát nước phố Trung Kính.');
    await db.petition.update({ where: { trackingCode: second }, data: { anonymous: true } });
    const page = await html(await staff.get(`/web/petitions/${second}`));
    expect(page).toContain('ẩn danh');
    expect(page).not.toContain('Trần Thị Hoa');
    expect(await db.auditLog.count({ where: { action: 'voter.data_view' } })).toBe(0);
  });

  it('shows a deputy only petitions of their scope, redacted, with no identity and no forms', async () => {
    h = await startHarness();
    const db = h.app.db;
    await saveMeeting(db, {
      code: 'HN-CG-02',
      title: 'Tiếp xúc cử tri phường Cầu Giấy',
      start: '2026-11-20T08:00:00+07:00',
      place: 'Hội trường UBND phường',
      constituency: 'Đơn vị số 5',
    });
    const deputy = await db.deputy.create({
      data: { name: 'Nguyễn Văn An', nameKey: 'nguyen van an', constituency: 'Đơn vị số 5' },
    });
    const user = await voter(h, 'agree', 'HN-CG-02');
    h.telegram.files.set('PHOTO-large', JPEG);
    const inScope = codeIn(
      (await h.say(photoMessage(user, 'Tôi là Trần Thị Hoa, số điện thoại 0912 345 678, đề nghị sửa đèn ngõ 12.')))[0],
    );
    const elsewhere = await voter(h, 'agree');
    const outOfScope = await sends(h, elsewhere, 'Đề nghị sửa đường Láng bị lún.');
    const client = await signIn(h.app, await addStaff(h.app, 'deputy', { deputyId: deputy.id }));

    const opened = await client.get(`/web/petitions/${inScope}`);
    expect(opened.status).toBe(200);
    const body = await html(opened);
    expect(body).toContain('đề nghị sửa đèn ngõ 12');
    expect(body).not.toContain('0912 345 678');
    expect(body).not.toContain('Trần Thị Hoa');
    expect(body).not.toContain(`action="/web/petitions/${inScope}/`);
    expect(body).not.toContain('/web/attachments/');
    expect(body).not.toContain('Nhật ký thay đổi');
    const attachment = await db.attachment.findFirstOrThrow({ where: { petition: { trackingCode: inScope } } });
    expect((await client.get(`/web/attachments/${attachment.id}`)).status).toBe(403);
    expect((await client.post(`/web/petitions/${inScope}/resolve`, {})).status).toBe(403);
    expect((await db.petition.findUniqueOrThrow({ where: { trackingCode: inScope } })).status).not.toBe('resolved');

    const refused = await client.get(`/web/petitions/${outOfScope}`);
    expect(refused.status).toBe(404);
    expect(await refused.text()).not.toContain('đường Láng');
    expect(await db.auditLog.count({ where: { action: 'voter.data_view' } })).toBe(0);
  });
});
