// Files for Zalo staff: Zalo takes files only as URLs, so with PUBLIC_URL set a chart goes out
// as a photo at a short-lived link under it (served by the bot, expiring), and a document as
// a link in the text. The fake Zalo records the sendPhoto calls; the test fetches the link.
import { beforeEach, describe, expect, it } from 'vitest';
import { addToOutbox } from '../../src/core/outbox.ts';
import { runRetention } from '../../src/ops/retention.ts';
import { newZaloUserId, zaloText } from '../fakes/zalo.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';

const SECRET = 'zalo-files-secret_42';
const PUBLIC_URL = 'https://bot.example.test';
const PNG_MAGIC = '89504e470d0a1a0a';

const fx = useFakes({ zalo: true });
let staff: string;

beforeEach(async () => {
  staff = newZaloUserId();
  await fx.start({ PUBLIC_URL: `${PUBLIC_URL}/`, ZALO_WEBHOOK_SECRET: SECRET, ADMIN_ZALO_IDS: staff });
});

/** What Zalo's servers would fetch at a link under PUBLIC_URL, fetched from the running bot instead. */
function fetchLink(url: string): Promise<Response> {
  expect(url.startsWith(`${PUBLIC_URL}/files/`)).toBe(true);
  return fetch(`http://127.0.0.1:${fx.app.port}${new URL(url).pathname}`);
}

async function seedPetitions(): Promise<void> {
  const rows = [
    ['KN-2026-000001', 'Đề nghị sửa đường Láng bị ngập', 'commune', 'transport'],
    ['KN-2026-000002', 'Đề nghị tăng lương hưu', 'central', 'labour'],
    ['KN-2026-000003', 'Rác thải chợ Nghĩa Tân', 'commune', 'environment'],
  ];
  for (const [trackingCode, text, authority, field] of rows) {
    await fx.app.db.petition.create({
      data: { trackingCode: trackingCode!, channel: 'zalo', text: text!, textNormalized: text!, authority, field },
    });
  }
}

async function sendWebhook(text: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${fx.app.port}/zalo/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Bot-Api-Secret-Token': SECRET },
    body: JSON.stringify(zaloText(staff, text)),
  });
  expect(response.status).toBe(200);
}

describe('files for Zalo staff', () => {
  it('sends /bieudo charts as photos at links under PUBLIC_URL that serve the PNG, until they expire', async () => {
    await seedPetitions();
    await sendWebhook('/bieudo');
    const photos = await waitUntil(async () => fx.zalo.photosTo(staff).length >= 3 && fx.zalo.photosTo(staff), 60_000);

    expect(photos.map((photo) => decodeURIComponent(photo.url.split('/').at(-1)!))).toEqual([
      'linh-vuc.png',
      'cap-tham-quyen.png',
      'theo-ngay.png',
    ]);
    expect(photos[0]!.caption).toMatch(/lĩnh vực/i);
    // No caption-with-a-note fallback any more.
    expect(fx.zalo.textsTo(staff).join('\n')).not.toContain('chưa gửi được qua Zalo');
    // Each link is its own unguessable token.
    expect(new Set(photos.map((photo) => new URL(photo.url).pathname.split('/')[2])).size).toBe(3);

    const served = await fetchLink(photos[0]!.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('content-disposition')).toContain('filename="linh-vuc.png"');
    const bytes = Buffer.from(await served.arrayBuffer());
    expect(bytes.subarray(0, 8).toString('hex')).toBe(PNG_MAGIC);

    // A token that was never issued, and a link past its day: nothing.
    const [, , token] = new URL(photos[0]!.url).pathname.split('/');
    expect((await fetchLink(`${PUBLIC_URL}/files/${token!.slice(0, -2)}xx/linh-vuc.png`)).status).toBe(404);
    await fx.app.db.fileLink.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await fetchLink(photos[0]!.url)).status).toBe(410);
    // The daily retention run removes expired links.
    await runRetention(fx.app.db, fx.app.config);
    expect(await fx.app.db.fileLink.count()).toBe(0);
    expect((await fetchLink(photos[1]!.url)).status).toBe(404);
  });

  it('sends a document as a download link after the text', async () => {
    const content = Buffer.from('PK\u0003\u0004 not really a report');
    await addToOutbox(fx.app.db, 'zalo', staff, [
      {
        text: 'Báo cáo tháng 11',
        file: { name: 'bao-cao.docx', base64: content.toString('base64'), kind: 'document' },
      },
    ]);
    await fx.app.outbox.flush('zalo', staff);
    const [text] = await waitUntil(async () => fx.zalo.textsTo(staff).length > 0 && fx.zalo.textsTo(staff));
    expect(text).toMatch(/^Báo cáo tháng 11\nTải tệp "bao-cao\.docx" \(liên kết dùng được 24 giờ\):\n/);
    expect(fx.zalo.photosTo(staff)).toEqual([]);
    const url = text!.split('\n').at(-1)!;
    const served = await fetchLink(url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; filename="bao-cao\.docx"/);
    expect(Buffer.from(await served.arrayBuffer()).equals(content)).toBe(true);
  });
});
