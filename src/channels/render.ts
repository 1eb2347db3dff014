// Replies as plain text, for channels without buttons (Zalo, the terminal chat): choices
// become numbered answers, which the core matches when typed back.
import type { OutgoingMessage } from '../core/types.ts';

/** The message's text, its attachment's name and its choices numbered from 1. */
export function renderAsText(message: OutgoingMessage): string {
  const choices = (message.choices ?? []).map((choice, index) => `  ${index + 1}. ${choice.label}`);
  const file = message.file ? [`[tệp đính kèm: ${message.file.name}]`] : [];
  return [message.text, ...file, ...choices].join('\n');
}
