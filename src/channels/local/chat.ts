// A chat in the terminal for trying the bot without any account: each line typed is a
// message to the same core as Telegram and Zalo; choices are answered by number.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Core } from '../../core/engine.ts';
import type { OutgoingMessage, Sender } from '../../core/types.ts';

export const LOCAL_USER = 'local-user';

export function renderAsText(message: OutgoingMessage): string {
  const choices = (message.choices ?? []).map((choice, index) => `  ${index + 1}. ${choice.label}`);
  const file = message.file ? [`[tệp đính kèm: ${message.file.name}]`] : [];
  return [message.text, ...file, ...choices].join('\n');
}

export function localSender(output: Writable): Sender {
  return {
    async send(_chatId, message) {
      output.write(`\nBot: ${renderAsText(message)}\n`);
    },
  };
}

/** Reads lines until the input ends; resolves then. */
export async function runLocalChat(core: Core, input: Readable, output: Writable): Promise<void> {
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
