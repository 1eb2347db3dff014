// Photographed paper petitions on Zalo, end to end: our axios client long-polling the fake Zalo
// Bot API, the image downloaded from the update's photo URL (served by the fake), the fake OpenAI
// server's vision answer, and the voter's confirmation typed as a number.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.ts';
import { FakeZalo, newZaloUserId, zaloImage, zaloText, type ZaloUpdateBody } from '../fakes/zalo.ts';
import { waitUntil } from '../helpers/app.ts';
import { startZaloApp, zaloEnv } from '../zalo/helpers.ts';

let zalo: FakeZalo;
let llm: FakeOpenAI;
let app: App | undefined;

const PAGE =
  'Tôi là Trần Thị Hoa, đề nghị nạo vét cống thoát nước ngõ 12 phố Dịch Vọng Hậu, mưa là ngập. ĐT 0987654321';

beforeEach(async () => {
  zalo = await new FakeZalo().start();
  llm = await startFakeOpenAI();
  llm.readImage(() => ({ kind: 'read', isDocument: true, text: PAGE }));
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await zalo.stop();
  await llm.close();
});

async function start(): Promise<App> {
  const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: llm.baseURL, OPENAI_VISION_MODEL: 'gpt-4o' };
  app = (await startZaloApp(zaloEnv(zalo, env))).app;
  return app;
}

async function say(update: ZaloUpdateBody, replies = 1): Promise<string[]> {
  const before = zalo.sent.length;
  zalo.push(update);
  const sent = await zalo.waitForSent(before + replies);
  return sent.slice(before).map((call) => String(call.body.text ?? ''));
}

describe('a photo of a paper petition on Zalo', () => {
  it('is fetched from its URL, read, confirmed with 1, stored after its caption, classified redacted', async () => {
    await start();
    const user = newZaloUserId();
    const [notice] = await say(zaloText(user, '/start'));
    expect(notice).toContain('máy chủ đọc ảnh');
    await say(zaloText(user, '2'));

    zalo.files.set('page.png', Buffer.alloc(12_000, 3));
    const [stored] = await say(zaloImage(user, zalo.fileUrl('page.png'), 'Đơn kiến nghị'));
    expect(stored).toContain('đang đọc nội dung trong ảnh');
    const [review] = await zalo.waitForSent(zalo.sent.length + 1).then((sent) => sent.slice(-1));
    expect(String(review!.body.text)).toContain(PAGE);
    expect(String(review!.body.text)).toMatch(/\n {2}1\. Đúng, gửi nội dung này\n {2}2\. Chỉ giữ ảnh$/);
    expect(llm.images).toEqual([{ model: 'gpt-4o', mimeType: 'image/png', bytes: 12_000 }]);

    const [confirmed] = await say(zaloText(user, '1'));
    expect(confirmed).toContain('Đã ghi nhận nội dung');
    const petition = await app!.db.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(petition.text).toBe(`Đơn kiến nghị\n${PAGE}`);
    expect(petition.attachments.map((a) => [a.kind, a.readStatus, a.readText])).toEqual([['photo', 'confirmed', PAGE]]);

    const request = await waitUntil(async () => llm.requests.find((r) => r.body.includes('nạo vét cống')));
    expect(request.body).not.toContain('0987654321');
    expect(request.body).not.toContain('Hoa');
  });

  it('keeps the photo only when the voter says so, classified by its caption', async () => {
    await start();
    const user = newZaloUserId();
    await say(zaloText(user, '/start'));
    await say(zaloText(user, '2'));
    zalo.files.set('p2.jpg', Buffer.alloc(8_000, 3));
    await say(zaloImage(user, zalo.fileUrl('p2.jpg'), 'Cống ngập ngõ 12'), 2);
    const [kept] = await say(zaloText(user, '2'));
    expect(kept).toContain('được giữ bằng ảnh');
    const petition = await app!.db.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(petition.text).toBe('Cống ngập ngõ 12');
    expect(petition.attachments[0]!.readStatus).toBe('media_only');
    await waitUntil(async () => llm.requests.find((r) => r.body.includes('Cống ngập ngõ 12')));
  });
});
