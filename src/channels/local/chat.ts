// A chat in the terminal for trying the bot without any account: each line typed is a
// message to the same core as Telegram and Zalo; choices are answered by number. Files the
// bot sends (reports, charts, QR codes, calendars) are saved under ./data/files/.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { extname, basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Core } from '../../core/batcher.ts';
import type { OutgoingMessage } from '../../core/types.ts';
import type { ChannelAdapter } from '../adapter.ts';
import { renderAsText } from '../render.ts';

const LOCAL_USER = 'local-user';
/** Where received files are saved, relative to where the bot is started. */
const FILES_DIR = './data/files';

export interface LocalChannel extends ChannelAdapter {
  /** Resolves when the input ends. */
  done: Promise<void>;
}

export interface LocalChatOptions {
  /** Where received files are saved (default ./data/files). */
  filesDir?: string;
  /** Lines printed before the chat's own introduction (the workspace's sign-in link). */
  banner?: () => Promise<string>;
}

/** The terminal chat on `input` and `output`; it reads once started. */
export function createLocalChannel(
  core: Core,
  input: Readable,
  output: Writable,
  { filesDir = FILES_DIR, banner }: LocalChatOptions = {},
): LocalChannel {
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  return {
    name: 'local',
    sender: {
      async send(_chatId, message) {
        if (!message.file) return void output.write(`\nBot: ${renderAsText(message)}\n`);
        const path = await saveFile(filesDir, message.file);
        output.write(`\nBot: ${renderAsText({ ...message, file: undefined })}\n[Đã lưu tệp: ${path}]\n`);
      },
    },
    async start() {
      if (banner) output.write(await banner());
      void runLocalChat(core, input, output).finally(finished);
    },
    // The input's end is what stops the terminal chat.
    async stop() {},
    done,
  };
}

/** Reads lines until the input ends; resolves then. */
async function runLocalChat(core: Core, input: Readable, output: Writable): Promise<void> {
  output.write(
    'Trò chuyện thử với trợ lý (chế độ cục bộ, không cần Telegram/Zalo).\n' +
      'Gõ /start DEMO để vào hội nghị mẫu, /trogiup để xem lệnh. Nhấn Ctrl+D để thoát.\n',
  );
  // A terminal in line mode cuts a typed or pasted line at 4 KiB; readline's own editing does not.
  const tty = (input as Readable & { isTTY?: boolean }).isTTY === true;
  const lines = createInterface({ input, output: tty ? output : undefined, terminal: tty });
  let counter = 0;
  const started = Date.now();
  for await (const line of lines) {
    if (!line.trim()) continue;
    counter += 1;
    const result = await core.handle({
      channel: 'local',
      updateId: `${started}-${counter}`,
      userId: LOCAL_USER,
      chatId: LOCAL_USER,
      kind: 'text',
      text: line,
    });
    await result.delivered;
  }
}

/** Writes a received file under `dir` by its own name, never over an earlier one; returns its path. */
async function saveFile(dir: string, file: NonNullable<OutgoingMessage['file']>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const ext = extname(file.name);
  const stem = basename(file.name, ext);
  let path = resolve(join(dir, basename(file.name)));
  for (let n = 2; existsSync(path); n += 1) path = resolve(join(dir, `${stem}-${n}${ext}`));
  await writeFile(path, Buffer.from(file.base64, 'base64'));
  return path;
}
