// `/web` in chat: a one-time link into the staff workspace for admins, staff and deputies.
import type { Feature, Turn } from '../core/types.ts';
import { createLoginLink, LOGIN_TOKEN_TTL_MS, webAccountFor } from './auth.ts';

/** `base` gives the workspace's address (PUBLIC_URL, or this machine's port once listening). */
export function webFeature(base: () => string): Feature {
  return {
    name: 'web',
    commands: [
      {
        name: 'web',
        roles: ['admin', 'staff', 'deputy'],
        usage: '/web',
        help: 'liên kết đăng nhập bàn làm việc trên trình duyệt',
        run: (turn) => sendLoginLink(turn, base()),
      },
    ],
  };
}

async function sendLoginLink(turn: Turn, base: string): Promise<void> {
  const staffId = await webAccountFor(turn.tx, turn.event.channel, turn.event.userId, turn.role);
  if (staffId === null) return turn.reply('Tài khoản của Ông/Bà chưa được cấp quyền cán bộ.');
  const link = await createLoginLink(turn.tx, base, staffId, turn.now);
  turn.reply(
    `Liên kết đăng nhập bàn làm việc (dùng một lần, hiệu lực ${LOGIN_TOKEN_TTL_MS / 60_000} phút):\n${link}\n` +
      'Xin không chuyển liên kết này cho người khác.',
  );
}
