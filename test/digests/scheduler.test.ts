// Subscriptions and scheduled digests end to end: the real app, the real grammY client
// against the fake Telegram server, time driven explicitly through the scheduler's tick.
import { describe, expect, it } from 'vitest';
import { parseFrequency } from '../../src/digests/feature.ts';
import { DAILY_PATTERN, nextFire } from '../../src/digests/scheduler.ts';
import { callback, newUserId, textMessage } from '../fakes/telegram.ts';
import { freshDatabaseUrl, waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';
import { linkDeputy, schedulerOf } from './support.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const HOUR = 3_600_000;
const fx = useFakes({ telegram: true });

function digestsTo(chatId: number): string[] {
  return fx.telegram.textsTo(chatId).filter((text) => text.startsWith('BẢN TIN Ý KIẾN'));
}

describe('/dangky and /huydangky', () => {
  it('accepts English ids and Vietnamese words, with or without accents', () => {
    expect(parseFrequency('daily')).toBe('daily');
    expect(parseFrequency('hàng ngày')).toBe('daily');
    expect(parseFrequency('Hằng tuần')).toBe('weekly');
    expect(parseFrequency('hang tuan')).toBe('weekly');
    expect(parseFrequency('after_meeting')).toBe('after_meeting');
    expect(parseFrequency('sau moi hop')).toBe('after_meeting');
    expect(parseFrequency('sau mỗi họp')).toBe('after_meeting');
    expect(parseFrequency('thỉnh thoảng')).toBeNull();
  });

  it('subscribes a deputy by buttons or words, replaces the frequency, and cancels; refuses a voter', async () => {
    const app = await fx.start();
    const user = newUserId();
    const deputyId = await linkDeputy(app, user, 'Nguyễn Văn An');

    const [ask] = await fx.say(textMessage(user, '/dangky'));
    expect(ask).toContain('Xin chọn tần suất nhận bản tin');
    const [done] = await fx.say(callback(user, 'digest:weekly'));
    expect(done).toContain('hằng tuần');
    const [again] = await fx.say(textMessage(user, '/dangky sau moi hop'));
    expect(again).toContain('sau mỗi hội nghị');
    const active = await app.db.digestSubscription.findMany({ where: { deputyId, cancelledAt: null } });
    expect(active).toMatchObject([{ frequency: 'after_meeting', channel: 'telegram', chatId: String(user) }]);

    const [stopped] = await fx.say(textMessage(user, '/huydangky'));
    expect(stopped).toContain('Đã dừng');
    expect(await app.db.digestSubscription.count({ where: { deputyId, cancelledAt: null } })).toBe(0);

    const voter = newUserId();
    const [refused] = await fx.say(textMessage(voter, '/dangky hang ngay'));
    expect(refused).toContain('dành cho đại biểu');
  });
});

describe('scheduled digests', () => {
  it('fire once per period across a restart, and catch up a period missed while down', async () => {
    const databaseUrl = freshDatabaseUrl();
    let app = await fx.start({}, { databaseUrl });
    const user = newUserId();
    const deputyId = await linkDeputy(app, user, 'Trần Thị Bình');
    await fx.say(textMessage(user, '/dangky hàng ngày'));
    const subscribedAt = (await app.db.digestSubscription.findFirstOrThrow()).createdAt;

    // The first 07:00 after subscribing, half an hour late.
    const firstFire = nextFire(DAILY_PATTERN, TZ, subscribedAt);
    const dueAt = new Date(firstFire.getTime() + 30 * 60_000);
    expect(await schedulerOf(app).tick(new Date(firstFire.getTime() - 60_000))).toEqual([]);
    const [period] = await schedulerOf(app).tick(dueAt);
    expect(period?.periodKey).toMatch(/^daily:\d{4}-\d{2}-\d{2}$/);
    await waitUntil(async () => digestsTo(user).length === 1);
    await schedulerOf(app).tick(new Date(dueAt.getTime() + HOUR));

    // Restart: the same database, a new process state.
    await fx.stopApp();
    app = await fx.start({}, { databaseUrl });
    await schedulerOf(app).tick(new Date(dueAt.getTime() + 2 * HOUR));
    await app.queue.drain();

    // Down over the next 07:00; the first tick after coming back sends that day's digest.
    await schedulerOf(app).tick(new Date(firstFire.getTime() + 24 * HOUR + 5 * HOUR));
    await waitUntil(async () => digestsTo(user).length === 2);
    await schedulerOf(app).tick(new Date(firstFire.getTime() + 24 * HOUR + 6 * HOUR));
    await app.queue.drain();
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(digestsTo(user)).toHaveLength(2);
    const digests = await app.db.digest.findMany({ where: { deputyId }, orderBy: { id: 'asc' } });
    expect(digests.map((d) => d.periodKey)).toEqual([period!.periodKey, expect.stringMatching(/^daily:/)]);
    expect(digests[0]!.periodKey).not.toBe(digests[1]!.periodKey);
    expect(await app.db.job.count({ where: { type: 'digest' } })).toBe(2);
  });

  it('sends an after-meeting digest once the deputy’s meeting has ended', async () => {
    const app = await fx.start();
    const user = newUserId();
    const deputyId = await linkDeputy(app, user, 'Phạm Văn Cường');
    await fx.say(textMessage(user, '/dangky sau moi hop'));
    const start = new Date(Date.now() + 24 * HOUR);
    const meeting = await app.db.meeting.create({
      data: {
        code: 'HN-SAU',
        title: 'Tiếp xúc cử tri sau kỳ họp',
        startsAt: start,
        endsAt: new Date(start.getTime() + 2 * HOUR),
        place: 'Nhà văn hóa',
      },
    });
    await app.db.meetingDeputy.create({ data: { meetingId: meeting.id, deputyId } });
    expect(await schedulerOf(app).tick(new Date(start.getTime() + HOUR))).toEqual([]);
    const due = await schedulerOf(app).tick(new Date(start.getTime() + 3 * HOUR));
    expect(due.map((d) => d.periodKey)).toEqual(['meeting:HN-SAU']);
    await waitUntil(async () => digestsTo(user).length === 1);
    await schedulerOf(app).tick(new Date(start.getTime() + 30 * HOUR));
    await app.queue.drain();
    expect(digestsTo(user)).toHaveLength(1);
  });
});
