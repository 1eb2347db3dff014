// A deputy on Zalo subscribes with a numbered answer and gets the digest in plain text,
// in messages within Zalo's 2,000 characters.
import { expect, it } from 'vitest';
import { deputyKey } from '../../src/meetings/service.ts';
import { newZaloUserId, zaloText } from '../fakes/zalo.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';
import { schedulerOf } from './support.ts';

const fx = useFakes({ zalo: true });

it('subscribes a deputy on Zalo with numbered answers and delivers the digest there', async () => {
  const app = await fx.start();
  const user = newZaloUserId();
  const deputy = await app.db.deputy.create({
    data: { name: 'Lê Thị Hà', nameKey: deputyKey('Lê Thị Hà'), constituency: 'Đơn vị bầu cử số 2' },
  });
  await app.db.staffMember.create({
    data: { channel: 'zalo', channelUserId: user, role: 'deputy', deputyId: deputy.id },
  });

  fx.zalo.push(zaloText(user, '/dangky'));
  const [ask] = await fx.zalo.waitForSent(1);
  expect(String(ask!.body.text)).toMatch(/\n {2}1\. /);
  fx.zalo.push(zaloText(user, '1'));
  await waitUntil(
    async () => (await app.db.digestSubscription.count({ where: { deputyId: deputy.id, cancelledAt: null } })) === 1,
  );
  const subscription = await app.db.digestSubscription.findFirstOrThrow();
  expect(subscription).toMatchObject({ channel: 'zalo', chatId: user });

  // Petitions from the deputy's meeting.
  const meeting = await app.db.meeting.create({
    data: {
      code: 'ZL-01',
      title: 'Tiếp xúc cử tri',
      startsAt: new Date(Date.now() - 3_600_000),
      place: 'Nhà văn hóa',
      constituency: 'Đơn vị bầu cử số 2',
    },
  });
  await app.db.meetingDeputy.create({ data: { meetingId: meeting.id, deputyId: deputy.id } });
  for (let i = 0; i < 40; i++) {
    const text = `Đề nghị sửa chữa tuyến đường số ${i} qua khu dân cư ${i}, mặt đường hư hỏng nặng, ảnh hưởng đi lại của người dân.`;
    await app.db.petition.create({
      data: {
        trackingCode: `KN-2026-7${String(i).padStart(5, '0')}`,
        channel: 'zalo',
        text,
        textNormalized: text,
        meetingId: meeting.id,
        field: 'traffic_infrastructure',
        authority: 'commune',
        status: 'classified',
      },
    });
  }

  const scheduler = schedulerOf(app);
  const due = await scheduler.tick(new Date(Date.now() + 26 * 3_600_000));
  expect(due).toHaveLength(1);
  const digests = await waitUntil(async () => {
    const texts = fx.zalo.textsTo(user);
    const start = texts.findIndex((text) => text.startsWith('BẢN TIN Ý KIẾN'));
    return start >= 0 ? texts.slice(start) : undefined;
  });
  expect(digests.every((part) => part.length <= 2000)).toBe(true);
  expect(digests.join('\n')).toContain('Lê Thị Hà');
  expect(await app.db.digest.count({ where: { deputyId: deputy.id } })).toBe(1);
});
