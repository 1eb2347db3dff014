// Staff and photographed petitions: a paper petition handed in at a meeting, sent with `/ghi CODE`
// as its caption, is read by the vision model and shown to the staff member to correct before it
// becomes the meeting petition's text; /kn lists a petition's files and whether their text was read.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveMeeting } from '../../src/meetings/service.ts';
import { photoMessage, voiceMessage } from '../fakes/telegram.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';
import { newUserId, startHarness, type Harness } from '../staff/support.ts';

const fx = useFakes({ openai: true });
let h: Harness | undefined;

const PAGE = 'Đề nghị sửa chữa cầu Bến Nghé bị nứt, xe tải qua lại rất nguy hiểm.';
const CORRECTED = 'Đề nghị sửa chữa gấp cầu Bến Nghé bị nứt, xe tải qua lại rất nguy hiểm.';

beforeEach(() => {
  fx.llm.readImage(() => ({ kind: 'read', isDocument: true, text: PAGE }));
});
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function harness(extra: Record<string, string> = {}): Promise<Harness> {
  h = await startHarness(fx.env(extra));
  await saveMeeting(
    h.app.db,
    { code: 'BN-01', title: 'Tiếp xúc cử tri phường Bến Nghé', start: '05/12/2026 08:00', place: 'Nhà văn hóa' },
    'Asia/Ho_Chi_Minh',
  );
  h.telegram.files.set('PHOTO-large', Buffer.alloc(15_000, 5));
  return h;
}

describe('a photo sent by staff with /ghi CODE as its caption', () => {
  it('is read, corrected by the staff member, stored for the meeting and classified', async () => {
    const { app, telegram, ...chat } = await harness({ OPENAI_VISION_MODEL: 'gpt-4o' });
    const staff = newUserId();
    await chat.grant(staff, 'staff');

    const [stored, review] = await chat.say(photoMessage(staff, '/ghi bn-01 | Nguyễn Văn An | tổ dân phố 5'), 2);
    const code = /KN-\d{4}-\d{6}/.exec(stored!)?.[0];
    expect(stored).toContain(`Đã ghi kiến nghị ${code} vào hội nghị BN-01.`);
    expect(stored).toContain('đang đọc nội dung trong ảnh');
    expect(review).toContain(PAGE);
    expect(chat.buttons(staff)).toEqual(['media:confirm', 'media:keep']);
    expect(fx.llm.images).toHaveLength(1);

    // Before the staff member answers, /kn shows the text read but not confirmed yet.
    const [pending] = await chat.text(staff, `/kn ${code}`);
    expect(pending).toContain('Tệp đính kèm:\n  • Ảnh (15 KB): đã đọc chữ, chờ xác nhận');

    const [corrected] = await chat.text(staff, CORRECTED);
    expect(corrected).toContain(`Đã ghi nhận nội dung đã sửa của kiến nghị ${code}.`);
    const petition = await app.db.petition.findUniqueOrThrow({
      where: { trackingCode: code! },
      include: { attachments: true, meeting: true },
    });
    expect(petition).toMatchObject({
      channel: 'meeting',
      legalBasis: 'minutes',
      voterId: null,
      speaker: 'Nguyễn Văn An',
      speakerArea: 'tổ dân phố 5',
      text: CORRECTED,
    });
    expect(petition.meeting?.code).toBe('BN-01');
    expect(petition.attachments.map((a) => [a.kind, a.readStatus])).toEqual([['photo', 'corrected']]);
    await waitUntil(async () => fx.llm.requests.find((r) => r.body.includes('sửa chữa gấp cầu')));
    await waitUntil(async () => (await app.db.petition.findUniqueOrThrow({ where: { id: petition.id } })).field);

    const [history] = await chat.text(staff, `/kn ${code}`);
    expect(history).toContain('  • Ảnh (15 KB): chữ đọc từ ảnh đã được sửa khi xác nhận');
    expect(telegram.textsTo(staff).some((text) => text.includes('dữ liệu cá nhân'))).toBe(false);
  });

  it('is stored for the meeting with its caption as text while no vision model is configured', async () => {
    const { app, ...chat } = await harness();
    const staff = newUserId();
    await chat.grant(staff, 'staff');
    const [stored] = await chat.say(photoMessage(staff, '/ghi BN-01 | | | Cầu Bến Nghé bị nứt'));
    expect(stored).toMatch(/^Đã ghi kiến nghị KN-\d{4}-\d{6} vào hội nghị BN-01\.$/);
    const petition = await app.db.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(petition.text).toBe('Cầu Bến Nghé bị nứt');
    expect(petition.attachments.map((a) => [a.kind, a.readStatus])).toEqual([['photo', null]]);
    expect((await chat.say(photoMessage(staff, '/ghi XX-99')))[0]).toBe('Không có hội nghị mã XX-99.');
    expect(fx.llm.images).toHaveLength(0);
  });
});

describe('a photo sent by staff in voter mode (/cutri)', () => {
  it('is read and confirmed like a voter’s, for the meeting the conversation is bound to', async () => {
    const { app, ...chat } = await harness({ OPENAI_VISION_MODEL: 'gpt-4o' });
    const staff = newUserId();
    await chat.grant(staff, 'staff');
    await chat.text(staff, '/cutri');
    await chat.text(staff, 'BN-01');
    await chat.press(staff, 'consent:anonymous');
    const [, review] = await chat.say(photoMessage(staff, ''), 2);
    expect(review).toContain(PAGE);
    const [confirmed] = await chat.press(staff, 'media:confirm');
    expect(confirmed).toContain('Đã ghi nhận nội dung');
    const petition = await app.db.petition.findFirstOrThrow({ include: { attachments: true, meeting: true } });
    expect([petition.channel, petition.meeting?.code, petition.text]).toEqual(['telegram', 'BN-01', PAGE]);
    expect(petition.attachments[0]!.readStatus).toBe('confirmed');
  });
});

describe('/kn', () => {
  it('lists a voice message and a photo that have no text yet', async () => {
    const { app, ...chat } = await harness();
    const staff = newUserId();
    await chat.grant(staff, 'staff');
    const voter = newUserId();
    await chat.text(voter, '/start');
    await chat.press(voter, 'consent:anonymous');
    await chat.say(voiceMessage(voter, 'VOICE-1'));
    await chat.say(photoMessage(voter, 'Cầu nứt'));
    const [first, second] = await app.db.petition.findMany({ orderBy: { id: 'asc' } });

    const [voice] = await chat.text(staff, `/kn ${first!.trackingCode}`);
    expect(voice).toMatch(/\nTệp đính kèm:\n {2}• Tin nhắn thoại \(4 giây\): chưa có bản ghi lời$/);
    const [photo] = await chat.text(staff, `/kn ${second!.trackingCode}`);
    expect(photo).toMatch(/\nTệp đính kèm:\n {2}• Ảnh: chưa đọc chữ$/);
    const [none] = await chat.text(staff, '/kn');
    expect(none).not.toContain('Tệp đính kèm');
  });
});
