// Fault suite: what the logs say when things fail. Every line at trace level is captured
// from the production logger (createLogger): through a turn under an unavailable database,
// a failing handler, Zalo 500 and 401 answers, a failed send and an LLM error, no line holds
// a token, a key, a webhook secret, or the petition's text, the voter's name or phone.
import { PassThrough } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/log.ts';
import { startApp, type App } from '../../src/main.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.ts';
import { callback, FakeTelegram, newUserId, textMessage } from '../fakes/telegram.ts';
import { FakeZalo, newZaloUserId, zaloText } from '../fakes/zalo.ts';
import { freshDatabaseUrl, waitUntil } from '../helpers/app.ts';
import { takeDatabaseDown } from './support.ts';

const TG_SECRET = 'logs_tg_webhook_secret';
const ZALO_SECRET = 'logs_zalo_webhook_secret';
const OPENAI_KEY = 'sk-logs-test-key-4f9a2c71';
const NAME = 'Trần Thị Hoa';
const PHONE = '0912 345 678';
const PETITION = `Tôi là ${NAME}, điện thoại ${PHONE}, phường Láng: đề nghị nạo vét cống ngõ 12 bị tắc.`;

let telegram: FakeTelegram;
let zalo: FakeZalo;
let llm: FakeOpenAI;
let app: App | undefined;

afterEach(async () => {
  await llm.close();
  await app?.stop();
  app = undefined;
  await telegram.stop();
  await zalo.stop();
});

async function post(path: string, header: string, secret: string, body: object): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${app!.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [header]: secret },
    body: JSON.stringify(body),
  });
  return response.status;
}
const postTelegram = (update: object) =>
  post('/telegram/webhook', 'X-Telegram-Bot-Api-Secret-Token', TG_SECRET, update);
const postZalo = (update: object) => post('/zalo/webhook', 'X-Bot-Api-Secret-Token', ZALO_SECRET, update);

/** A Telegram text update from a voter whose profile carries their name. */
function fromVoter(updateId: number, user: number, text: string) {
  const { message } = textMessage(user, text);
  return {
    update_id: updateId,
    message: { ...message, chat: { ...message.chat, first_name: NAME }, from: { ...message.from, first_name: NAME } },
  };
}

it(
  "keep tokens, secrets and voters' content out of every line through a run of faults",
  { timeout: 90_000 },
  async () => {
    telegram = await new FakeTelegram().start();
    zalo = await new FakeZalo().start();
    // The model refuses the key, quoting it, as OpenAI does.
    llm = await startFakeOpenAI(() => ({
      kind: 'status',
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${OPENAI_KEY}` } },
    }));
    const chunks: string[] = [];
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const databaseUrl = freshDatabaseUrl();
    const config = parseConfig({
      DATABASE_URL: databaseUrl,
      PORT: '0',
      LOG_LEVEL: 'trace',
      LOCAL_CHAT: 'off',
      DEMO_SEED: 'off',
      PUBLIC_URL: 'https://bot.example.test',
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
      ZALO_BOT_TOKEN: zalo.token,
      ZALO_API_ROOT: zalo.apiRoot,
      ZALO_WEBHOOK_SECRET: ZALO_SECRET,
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_MODEL: 'fake-model',
    });
    app = await startApp(config, {
      migrate: false,
      log: createLogger('trace', { destination }),
      localChat: false,
      jobPollMs: 50,
    });
    const text = () => chunks.join('');
    const user = newUserId();

    // A turn under an unavailable database (what it answers is database.test.ts's concern).
    const bringBack = await takeDatabaseDown(databaseUrl);
    await postTelegram(fromVoter(1, user, PETITION));
    await bringBack();

    // A handler that fails with an error whose message holds a Bot API URL, token included.
    app.core.use({
      name: 'boom',
      commands: [
        {
          name: 'hong',
          roles: ['voter'],
          usage: '/hong',
          help: 'always fails',
          run: async (_turn, args) => {
            throw new Error(
              `request ${zalo.apiRoot}/bot${zalo.token}/sendMessage failed for ${args.length} characters`,
            );
          },
        },
      ],
    });
    expect(await postTelegram(fromVoter(2, user, `/hong ${PETITION}`))).toBe(200);

    // A petition whose reply fails once to send, and whose classification meets an LLM error.
    telegram.failNext('sendMessage', 500, `Internal Server Error at /bot${telegram.token}/sendMessage`);
    expect(await postTelegram({ update_id: 3, ...textMessage(user, '/start') })).toBe(200);
    expect(await postTelegram({ update_id: 4, ...callback(user, 'consent:anonymous') })).toBe(200);
    expect(await postTelegram(fromVoter(7, user, PETITION))).toBe(200);
    await waitUntil(
      async () => (await app!.db.petition.count()) === 1 && text().includes('LLM classification failed'),
      30_000,
    );

    // Zalo: a 500 echoing the URL, then a refused token.
    const zaloUser = newZaloUserId();
    zalo.failNext('sendMessage', 500, `Internal error while serving /bot${zalo.token}/sendMessage`);
    expect(await postZalo(zaloText(zaloUser, PETITION))).toBe(200);
    await zalo.waitForSent(1, 20_000);
    zalo.failNext('sendMessage', 401, 'Unauthorized');
    expect(await postZalo(zaloText(zaloUser, '/trogiup'))).toBe(200);
    await waitUntil(async () => text().includes('Zalo refused the bot token'), 20_000);
    await app.stop();
    app = undefined;

    const logged = text();
    for (const marker of [
      'turn failed; delivery recorded',
      'delivery failed; will retry',
      'LLM classification failed',
      'zalo call failed; retrying',
    ]) {
      expect(logged).toContain(marker);
    }
    for (const secret of [
      telegram.token,
      telegram.token.split(':')[1]!,
      zalo.token,
      zalo.token.split(':')[1]!,
      OPENAI_KEY,
      TG_SECRET,
      ZALO_SECRET,
      PETITION,
      NAME,
      PHONE,
      PHONE.replaceAll(' ', ''),
      'nạo vét cống',
    ]) {
      expect(logged).not.toContain(secret);
    }
  },
);
