// One set-up for the end-to-end tests: the fake servers a file asks for start before each test
// and stop after it, with the app the test started; the handle reads them lazily, so a file
// declares `const fx = useFakes({ telegram: true })` once and each test uses `fx.telegram`, `fx.app`.
import { afterEach, beforeEach } from 'vitest';
import type { App } from '../../src/main.ts';
import { saveMeeting } from '../../src/meetings/service.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.ts';
import { FakeOpenAITools } from '../fakes/openai-tools.ts';
import { FakeTelegram } from '../fakes/telegram.ts';
import { FakeZalo } from '../fakes/zalo.ts';
import { capturingLogger, freshDatabaseUrl, startTestApp, type CapturedLog } from './app.ts';

/** Which fakes a test file needs. */
export interface FakesWanted {
  telegram?: boolean;
  zalo?: boolean;
  /** The fake OpenAI-compatible server (chat, vision, speech); the app gets a key and its URL. */
  openai?: boolean;
  /** The fake model that answers with tool calls (the staff assistant); settings are the test's own. */
  tools?: boolean;
}

/** How `start` runs the app. */
export interface StartOptions {
  /** An existing database (to restart on the same data); a fresh copy of the template otherwise. */
  databaseUrl?: string;
  /** Keep the debug log, unredacted, for `fx.log`. */
  capture?: boolean;
  /** false: the app is not pointed at the fakes (a test of the app on its own settings); default true. */
  withFakes?: boolean;
}

/** The handle of `useFakes`: each accessor throws when what it reads was not asked for or not started. */
export interface Fakes {
  readonly telegram: FakeTelegram;
  readonly zalo: FakeZalo;
  readonly llm: FakeOpenAI;
  readonly tools: FakeOpenAITools;
  /** The app `start` started, until `stopApp`. */
  readonly app: App;
  /** The log of an app started with `capture`. */
  readonly log: CapturedLog;
  /** Settings that point the app at the running fakes, then `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Starts the app on `env(extra)`; it is stopped after the test unless `stopApp` stopped it first. */
  start(extra?: Record<string, string>, options?: StartOptions): Promise<App>;
  /** Stops the app now, as a shutdown in the middle of a test; the fakes keep running. */
  stopApp(): Promise<void>;
  /**
   * Sends an update (a Zalo one by its event_name, else a Telegram one) and waits until the bot has
   * sent `replies` more messages on that platform; their texts (a file's caption).
   */
  say(update: object, replies?: number): Promise<string[]>;
  /** The callback data of the buttons under a Telegram message (the last one sent by default). */
  buttons(index?: number): string[];
  /** Saves the sample meeting HN-CG-01 (Cầu Giấy, 05/12/2026, with ward and deputy). */
  addMeeting(): Promise<void>;
}

/** The meeting most voter tests open the bot with. */
export const SAMPLE_MEETING = {
  code: 'HN-CG-01',
  title: 'Tiếp xúc cử tri phường Cầu Giấy',
  start: '2026-12-05T08:00:00+07:00',
  place: 'Hội trường UBND phường Cầu Giấy',
  ward: 'Phường Cầu Giấy',
  deputies: 'Nguyễn Văn An',
};

/** Registers the hooks that start the `wanted` fakes before each test and stop them, and the app, after it. */
export function useFakes(wanted: FakesWanted): Fakes {
  let telegram: FakeTelegram | undefined;
  let zalo: FakeZalo | undefined;
  let llm: FakeOpenAI | undefined;
  let tools: FakeOpenAITools | undefined;
  let app: App | undefined;
  let log: CapturedLog | undefined;

  beforeEach(async () => {
    if (wanted.telegram) telegram = await new FakeTelegram().start();
    if (wanted.zalo) zalo = await new FakeZalo().start();
    if (wanted.openai) llm = await startFakeOpenAI();
    if (wanted.tools) tools = await new FakeOpenAITools().start();
  });
  afterEach(async () => {
    // The model goes first: a request still hanging on it then fails at once instead of holding the stop.
    await llm?.close();
    await app?.stop();
    await telegram?.stop();
    await zalo?.stop();
    await tools?.stop();
    telegram = zalo = llm = tools = app = log = undefined;
  });

  const fakes: Fakes = {
    get telegram() {
      return present(telegram, 'telegram');
    },
    get zalo() {
      return present(zalo, 'zalo');
    },
    get llm() {
      return present(llm, 'openai');
    },
    get tools() {
      return present(tools, 'tools');
    },
    get app() {
      return present(app, 'app (call start first)');
    },
    get log() {
      return present(log, 'log (start with capture)');
    },
    env(extra = {}) {
      return {
        ...(telegram ? { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot } : {}),
        ...(zalo ? { ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: zalo.apiRoot } : {}),
        ...(llm ? { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: llm.baseURL } : {}),
        ...extra,
      };
    },
    async start(extra = {}, options = {}) {
      if (app) throw new Error('useFakes: an app is running already (stopApp first)');
      const captured = options.capture ? capturingLogger() : undefined;
      const env = options.withFakes === false ? extra : fakes.env(extra);
      app = await startTestApp(env, options.databaseUrl ?? freshDatabaseUrl(), captured?.logger);
      log = captured?.log;
      return app;
    },
    async stopApp() {
      const running = app;
      app = undefined;
      await running?.stop();
    },
    async say(update, replies = 1) {
      const platform: FakeTelegram | FakeZalo =
        'event_name' in update ? present(zalo, 'zalo') : present(telegram, 'telegram');
      const before = platform.sent.length;
      platform.push(update as never);
      const sent = await platform.waitForSent(before + replies);
      return sent.slice(before).map((call) => String(call.body.text ?? call.body.caption ?? ''));
    },
    buttons(index = -1) {
      type Markup = { inline_keyboard: { callback_data: string }[][] } | undefined;
      const markup = present(telegram, 'telegram').sent.at(index)!.body.reply_markup as Markup;
      return markup?.inline_keyboard.flat().map((button) => button.callback_data) ?? [];
    },
    async addMeeting() {
      await saveMeeting(fakes.app.db, SAMPLE_MEETING);
    },
  };
  return fakes;
}

function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`useFakes: no ${what} in this test`);
  return value;
}
