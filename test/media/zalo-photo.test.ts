// Photographed paper petitions on Zalo, end to end: our axios client long-polling the fake Zalo
// Bot API, the image downloaded from the update's photo URL (served by the fake), the fake OpenAI
// server's vision answer, and the voter's confirmation typed as a number.
import { beforeEach, describe, expect, it } from 'vitest';
import { newZaloUserId, zaloImage, zaloText } from '../fakes/zalo.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';

const fx = useFakes({ zalo: true, openai: true });

const PAGE =
  'Tôi là Trần Thị Hoa, đề nghị nạo vét cống thoát nước ngõ 12 phố Dịch Vọng Hậu, mưa là ngập. ĐT 0987654321';

beforeEach(() => {
  fx.llm.readImage(() => ({ kind: 'read', isDocument: true, text: PAGE }));
});

/** The app with a vision model. */
function start() {
  return fx.start({ OPENAI_VISION_MODEL: 'gpt-4o' });
}

describe('a photo of a paper petition on Zalo', () => {
  it('is fetched from its URL, read, confirmed with 1, stored after its caption, classified redacted', async () => {
    await start();
    const user = newZaloUserId();
    const [notice] = await fx.say(zaloText(user, '/start'));
    expect(notice).toContain('máy chủ đọc ảnh');
    await fx.say(zaloText(user, '2'));

    fx.zalo.files.set('page.png', Buffer.alloc(12_000, 3));
    const [stored] = await fx.say(zaloImage(user, fx.zalo.fileUrl('page.png'), 'Đơn kiến nghị'));
    expect(stored).toContain('đang đọc nội dung trong ảnh');
    const [review] = await fx.zalo.waitForSent(fx.zalo.sent.length + 1).then((sent) => sent.slice(-1));
    expect(String(review!.body.text)).toContain(PAGE);
    expect(String(review!.body.text)).toMatch(/\n {2}1\. Đúng, gửi nội dung này\n {2}2\. Chỉ giữ ảnh$/);
    expect(fx.llm.images).toEqual([{ model: 'gpt-4o', mimeType: 'image/png', bytes: 12_000 }]);

    const [confirmed] = await fx.say(zaloText(user, '1'));
    expect(confirmed).toContain('Đã ghi nhận nội dung');
    const petition = await fx.app.db.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(petition.text).toBe(`Đơn kiến nghị\n${PAGE}`);
    expect(petition.attachments.map((a) => [a.kind, a.readStatus, a.readText])).toEqual([['photo', 'confirmed', PAGE]]);

    const request = await waitUntil(async () => fx.llm.requests.find((r) => r.body.includes('nạo vét cống')));
    expect(request.body).not.toContain('0987654321');
    expect(request.body).not.toContain('Hoa');
  });

  it('keeps the photo only when the voter says so, classified by its caption', async () => {
    await start();
    const user = newZaloUserId();
    await fx.say(zaloText(user, '/start'));
    await fx.say(zaloText(user, '2'));
    fx.zalo.files.set('p2.jpg', Buffer.alloc(8_000, 3));
    await fx.say(zaloImage(user, fx.zalo.fileUrl('p2.jpg'), 'Cống ngập ngõ 12'), 2);
    const [kept] = await fx.say(zaloText(user, '2'));
    expect(kept).toContain('được giữ bằng ảnh');
    const petition = await fx.app.db.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(petition.text).toBe('Cống ngập ngõ 12');
    expect(petition.attachments[0]!.readStatus).toBe('media_only');
    await waitUntil(async () => fx.llm.requests.find((r) => r.body.includes('Cống ngập ngõ 12')));
  });
});
