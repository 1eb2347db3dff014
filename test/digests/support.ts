// Helpers for the end-to-end digest tests: a deputy account linked to a Telegram user.
import type { App } from '../../src/main.ts';
import { DigestScheduler } from '../../src/digests/scheduler.ts';
import { deputyKey } from '../../src/meetings/service.ts';

/** A deputy (in constituency 1) whose account is the Telegram user's; returns the deputy's id. */
export async function linkDeputy(app: App, telegramUserId: number, name: string): Promise<number> {
  const deputy = await app.db.deputy.create({
    data: { name, nameKey: deputyKey(name), constituency: 'Đơn vị bầu cử số 1' },
  });
  await app.db.staffMember.create({
    data: { channel: 'telegram', channelUserId: String(telegramUserId), role: 'deputy', deputyId: deputy.id },
  });
  return deputy.id;
}

/** A scheduler over the app's own database, queue and outbox, whose clock the test drives. */
export function schedulerOf(app: App): DigestScheduler {
  return new DigestScheduler({ db: app.db, config: app.config, log: app.log, outbox: app.outbox, queue: app.queue });
}
