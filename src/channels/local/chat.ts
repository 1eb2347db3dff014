// A chat in the terminal for trying the bot without any account: each line typed is a
// message to the same core as Telegram and Zalo; choices are answered by number.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Core } from '../../core/batcher.ts';
import type { ChannelAdapter } from '../adapter.ts';
import { renderAsText } from '../render.ts';

const LOCAL_USER = 'local-user';

export interface LocalChannel extends ChannelAdapter {
  /** Resolves when the input ends. */
  done: Promise<void>;
}

/** The terminal chat on `input` and `output`; it reads once started. */
export function createLocalChannel(core: Core, input: Readable, output: Writable): LocalChannel {
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  return {
    name: 'local',
    sender: {
      async send(_chatId, message) {
        output.write(`\nBot: ${renderAsText(message)}\n`);
      },
    },
    async start() {
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
  const lines = createInterface({ input, terminal: false });
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
