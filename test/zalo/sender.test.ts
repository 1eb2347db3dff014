// Replies out to Zalo: the outbox hands them to the Zalo sender, which talks to the fake
// Zalo Bot API over HTTP; and the client's answers, errors and retries, method by method.
import { describe, expect, it } from 'vitest';
import { ZaloApiError, ZaloClient, ZaloNetworkError } from '../../src/channels/zalo/client.ts';
import { addToOutbox } from '../../src/core/outbox.ts';
import { newZaloUserId, zaloText } from '../fakes/zalo.ts';
import { useFakes } from '../helpers/fixture.ts';

const fx = useFakes({ zalo: true });

async function deliver(chatId: string, message: Parameters<typeof addToOutbox>[3][number]) {
  await addToOutbox(fx.app.db, 'zalo', chatId, [message]);
  await fx.app.outbox.flush('zalo', chatId);
  return fx.app.db.outboxMessage.findFirstOrThrow({ where: { chatId }, orderBy: { id: 'desc' } });
}

describe('Zalo sender', () => {
  it('delivers a 3,500-character reply as two ordered messages with the choices last', async () => {
    await fx.start();
    const user = newZaloUserId();
    const text = 'Kiến nghị 😀 về đường Láng: ngập nặng mỗi khi mưa to kéo dài. '.repeat(60).slice(0, 3500);
    const row = await deliver(user, { text, choices: [{ id: 'done', label: 'Kết thúc' }] });

    expect(row.status).toBe('sent');
    const parts = fx.zalo.textsTo(user);
    expect(parts).toHaveLength(2);
    expect(parts.every((part) => part.length <= 2000)).toBe(true);
    expect(parts[0]).toMatch(/\.$/);
    expect(parts[1]).toMatch(/\n {2}1\. Kết thúc$/);
    expect(`${parts[0]} ${parts[1]}`).toBe(`${text}\n  1. Kết thúc`);
  });

  it('sends the caption of a file with a note instead of crashing on it', async () => {
    await fx.start();
    const user = newZaloUserId();
    const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
    const row = await deliver(user, {
      text: 'Biểu đồ ý kiến tuần này',
      file: { name: 'tuan.png', base64: png, kind: 'photo' },
    });
    expect(row.status).toBe('sent');
    expect(fx.zalo.textsTo(user)).toEqual([
      'Biểu đồ ý kiến tuần này\n(Tệp "tuan.png" chưa gửi được qua Zalo: xin xem tệp này trên Telegram hoặc đề nghị Văn phòng gửi lại.)',
    ]);
  });

  it('drops a message Zalo refuses with 403 and keeps one it rate-limits for later', async () => {
    await fx.start();
    const blocked = newZaloUserId();
    fx.zalo.failNext('sendMessage', 403, 'User blocked the bot');
    const refused = await deliver(blocked, { text: 'Xin chào' });
    expect(refused.status).toBe('failed');
    expect(refused.lastError).toContain('403');

    const busy = newZaloUserId();
    for (let i = 0; i < 4; i++) fx.zalo.failNext('sendMessage', 429, 'Too Many Requests', 1);
    const later = await deliver(busy, { text: 'Xin chào' });
    expect(later.status).toBe('pending');
    expect(later.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 500);
    expect(fx.zalo.failed.filter((call) => call.method === 'sendMessage')).toHaveLength(5);
  });
});

describe('Zalo client', () => {
  function client(token = fx.zalo.token) {
    return new ZaloClient({ token, apiRoot: `${fx.zalo.apiRoot}/` });
  }

  it('calls every method as POST ${root}/bot${token}/${method} and validates the answers', async () => {
    const api = client();
    expect(await api.getMe()).toMatchObject({ id: '3141592653589793238', account_name: 'bot.kiennghi' });
    await api.setWebhook('https://bot.example.test/zalo/webhook', 'secret-123456');
    expect((await api.getWebhookInfo()).url).toBe('https://bot.example.test/zalo/webhook');
    await api.deleteWebhook();
    expect((await api.getWebhookInfo()).url).toBe('');
    const sent = await api.sendMessage('c1', 'Xin chào');
    expect(sent.message_id).toMatch(/^sent/);
    await api.sendPhoto('c1', 'https://bot.example.test/a.png', 'Ảnh');
    await api.sendChatAction('c1');
    expect(fx.zalo.calls.map((call) => call.method)).toEqual([
      'getMe',
      'setWebhook',
      'getWebhookInfo',
      'deleteWebhook',
      'getWebhookInfo',
      'sendMessage',
      'sendPhoto',
      'sendChatAction',
    ]);
    expect(fx.zalo.calls.at(-1)!.body).toEqual({ chat_id: 'c1', action: 'typing' });
    expect(fx.zalo.paths.every((path) => path.startsWith(`/bot${fx.zalo.token}/`))).toBe(true);
  });

  it('returns one update from getUpdates, and nothing on 408', async () => {
    const api = client();
    const update = fx.zalo.push(zaloText('u1', 'Xin chào', 'm-1'));
    expect(await api.getUpdates(1)).toEqual([update]);
    expect(fx.zalo.callsOf('getUpdates')[0]!.body).toEqual({ timeout: '1' });
    expect(await api.getUpdates(1)).toEqual([]);
  });

  it('turns {ok:false} into a typed error that never shows the token', async () => {
    const error = await client()
      .sendMessage('c1', '')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZaloApiError);
    expect(error).toMatchObject({
      error_code: 400,
      description: 'text must be 1-2000 characters',
      method: 'sendMessage',
    });

    const refused = await client('999:wrong-token')
      .getMe()
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ error_code: 401 });
    expect(JSON.stringify(refused) + String(refused)).not.toContain('wrong-token');
  });

  it('retries 5xx and network failures, and wraps the last one without the URL', async () => {
    fx.zalo.failNext('sendMessage', 500, 'Internal Server Error');
    expect((await client().sendMessage('c1', 'Lần hai')).message_id).toBeTruthy();
    expect(fx.zalo.failed).toHaveLength(1);

    const flaky = new ZaloClient({ token: fx.zalo.token, apiRoot: fx.zalo.apiRoot, retries: 1 });
    fx.zalo.dropNext('getMe');
    fx.zalo.dropNext('getMe');
    const error = await flaky.getMe().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZaloNetworkError);
    const shown = `${String(error)} ${(error as Error).stack} ${JSON.stringify(error)}`;
    expect(shown).not.toContain(fx.zalo.token.split(':')[1]);
    expect(shown).not.toContain('127.0.0.1');
  });
});
