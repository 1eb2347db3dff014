// The review queue (a correction with buttons and with typed answers; texts that are not
// petitions left out or confirmed back in), status changes with their history, and the
// answer reaching the voter exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueClassification } from '../../src/classify/index.ts';
import { waitUntil } from '../helpers/app.ts';
import { auditedActions, newUserId, startHarness, type Harness } from './support.ts';
import { transaction } from '../../src/db/sql.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function petitionToReview(harness: Harness, code: string, text: string, receivedAt: Date) {
  return harness.app.db.petition.create({
    data: {
      trackingCode: code,
      channel: 'telegram',
      text,
      textNormalized: text,
      authority: 'city',
      field: 'land',
      agency: 'Sở Nông nghiệp và Môi trường',
      needsReview: true,
      status: 'classified',
      receivedAt,
      classifications: {
        create: {
          taxonomy: 'current',
          authority: 'city',
          field: 'land',
          confidence: 0.41,
          classifier: 'llm',
          reason: 'LLM và luật không thống nhất',
        },
      },
    },
  });
}

async function voterSends(
  harness: Harness,
  userId: number,
  consent: 'agree' | 'anonymous',
  text: string,
): Promise<string> {
  const [greeting] = await harness.text(userId, '/start');
  expect(greeting).toContain('dữ liệu cá nhân');
  await harness.press(userId, `consent:${consent}`);
  if (consent === 'agree') {
    await harness.text(userId, 'Trần Thị Hoa');
    await harness.text(userId, 'Phường Cầu Giấy');
  }
  const [stored] = await harness.text(userId, text);
  return /KN-\d{4}-\d{6}/.exec(stored!)![0];
}

/** Lets the background classifier (when one is registered) finish before staff act. */
async function classifierDone(harness: Harness): Promise<void> {
  const busy = () => harness.app.db.job.count({ where: { type: 'classify', status: { in: ['pending', 'running'] } } });
  await waitUntil(async () => (await busy()) === 0, 3000).catch(() => undefined);
}

async function settled(harness: Harness): Promise<void> {
  await waitUntil(
    async () => (await harness.app.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0,
  );
}

describe('review queue', () => {
  it('corrects level, field and agency with buttons and typed answers, keeping the history', async () => {
    h = await startHarness();
    const staff = newUserId();
    await h.grant(staff, 'staff');
    const first = await petitionToReview(
      h,
      'KN-2026-000010',
      'Khói bụi từ xưởng gỗ ở ngõ 68 Cầu Giấy gây ô nhiễm.',
      new Date(Date.now() - 60_000),
    );
    await petitionToReview(h, 'KN-2026-000011', 'Đề nghị cấp sổ đỏ cho khu tập thể.', new Date());

    const [card] = await h.text(staff, '/duyet');
    expect(card).toContain('KN-2026-000010');
    expect(card).toContain('còn 2');
    expect(card).toContain('Đất đai');
    expect(card).toContain('41%');
    expect(card).toContain('LLM và luật không thống nhất');
    expect(h.buttons(staff)).toEqual([
      'rv:confirm',
      'rv:level',
      'rv:field',
      'rv:agency',
      'rv:notpetition',
      'rv:skip',
      'rv:stop',
    ]);

    await h.press(staff, 'rv:field');
    expect(h.buttons(staff)).toContain('fld:environment');
    const [afterField] = await h.press(staff, 'fld:environment');
    expect(afterField).toContain('Lĩnh vực: Tài nguyên, môi trường');

    // Numbered and typed answers work as on Zalo.
    await h.text(staff, '2');
    const [afterLevel] = await h.text(staff, 'xa phuong dac khu');
    expect(afterLevel).toContain('Cấp thẩm quyền: Xã/phường/đặc khu');
    await h.text(staff, '4');
    const [afterAgency] = await h.text(staff, 'UBND phường Cầu Giấy');
    expect(afterAgency).toContain('Cơ quan: UBND phường Cầu Giấy');

    const [saved, next] = await h.text(staff, 'xac nhan', 2);
    expect(saved).toContain('Đã lưu phân loại KN-2026-000010');
    expect(next).toContain('KN-2026-000011');

    const petition = await h.app.db.petition.findUniqueOrThrow({
      where: { id: first.id },
      include: { classifications: { orderBy: { id: 'asc' } }, events: true },
    });
    expect(petition).toMatchObject({
      authority: 'commune',
      field: 'environment',
      agency: 'UBND phường Cầu Giấy',
      needsReview: false,
      status: 'reviewed',
    });
    expect(petition.classifications.map((c) => c.classifier)).toEqual(['llm', 'staff']);
    expect(petition.classifications[1]!.createdBy).toContain(String(staff));
    expect(petition.events.map((e) => [e.fromStatus, e.toStatus])).toEqual([['classified', 'reviewed']]);
    const entry = await h.app.db.auditLog.findFirstOrThrow({ where: { action: 'petition.correct' } });
    expect(JSON.parse(entry.before!)).toMatchObject({ authority: 'city', field: 'land' });
    expect(JSON.parse(entry.after!)).toMatchObject({ authority: 'commune', field: 'environment' });

    const [skipped] = await h.press(staff, 'rv:skip');
    expect(skipped).toContain('Không còn kiến nghị');
    const [history] = await h.text(staff, '/kn kn-2026-000010');
    expect(history).toContain('Đã phân loại → Đã rà soát');
    expect(history).toContain('cán bộ: Xã/phường/đặc khu / Tài nguyên, môi trường (100%)');
  });
});

/** Stores texts as intake does (with their classification job) and waits for the offline classifier. */
async function storeAndClassify(harness: Harness, texts: string[]): Promise<number[]> {
  const db = harness.app.db;
  const ids: number[] = [];
  for (const [i, text] of texts.entries()) {
    const id = await transaction(db, async (tx) => {
      const petition = await tx.petition.create({
        data: {
          trackingCode: `KN-2026-${String(900 + i).padStart(6, '0')}`,
          channel: 'telegram',
          text,
          textNormalized: text,
          receivedAt: new Date(Date.now() - (texts.length - i) * 60_000),
        },
      });
      await enqueueClassification(tx, petition.id);
      return petition.id;
    });
    ids.push(id);
  }
  harness.app.queue.kick('classify');
  await waitUntil(async () => (await db.job.count({ where: { type: 'classify', status: { not: 'done' } } })) === 0);
  return ids;
}

describe('texts that are not petitions', () => {
  it('keeps them out of the figures until staff confirm one back in, with history and audit', async () => {
    h = await startHarness();
    const staff = newUserId();
    await h.grant(staff, 'staff');
    const db = h.app.db;
    const [emoji, greeting, road] = await storeAndClassify(h, [
      '😀😀👍',
      'xin chào',
      'Đề nghị sửa đường ngõ 5 phường Láng bị ngập khi mưa',
    ]);
    const status = async (id: number) => (await db.petition.findUniqueOrThrow({ where: { id } })).status;
    expect([await status(emoji!), await status(greeting!), await status(road!)]).toEqual([
      'not_petition',
      'not_petition',
      'classified',
    ]);
    const [before] = await h.text(staff, '/thongke');
    expect(before).toContain('Tổng số: 1');
    expect(before).not.toContain('Không phải kiến nghị');

    const [card] = await h.text(staff, '/duyet');
    expect(card).toContain('KN-2026-000900');
    expect(card).toContain('không phải kiến nghị');
    expect(card).toContain('chỉ có biểu tượng');
    expect(h.buttons(staff)).toEqual([
      'rv:petition',
      'rv:notpetition',
      'rv:level',
      'rv:field',
      'rv:agency',
      'rv:skip',
      'rv:stop',
    ]);
    const [left, next] = await h.press(staff, 'rv:notpetition', 2);
    expect(left).toContain('Đã ghi nhận KN-2026-000900 không phải kiến nghị');
    expect(next).toContain('KN-2026-000901');
    const [confirmed] = await h.press(staff, 'rv:petition', 2);
    expect(confirmed).toContain('Đã xác nhận KN-2026-000901 là kiến nghị');

    const marked = await db.petition.findUniqueOrThrow({
      where: { id: emoji! },
      include: { classifications: { orderBy: { id: 'asc' } }, events: { orderBy: { id: 'asc' } } },
    });
    expect(marked).toMatchObject({ status: 'not_petition', needsReview: false });
    expect(marked.classifications.map((c) => [c.classifier, c.isPetition])).toEqual([
      ['rules', false],
      ['staff', false],
    ]);
    expect(marked.events.map((e) => [e.fromStatus, e.toStatus, e.actor === 'classifier'])).toEqual([
      ['received', 'not_petition', true],
      ['not_petition', 'not_petition', false],
    ]);
    const back = await db.petition.findUniqueOrThrow({
      where: { id: greeting! },
      include: { classifications: { orderBy: { id: 'desc' }, take: 1 } },
    });
    expect(back).toMatchObject({ status: 'reviewed', needsReview: false });
    expect(back.classifications[0]).toMatchObject({ classifier: 'staff', isPetition: true });
    const leftOut = await db.auditLog.findFirstOrThrow({ where: { action: 'petition.not_petition' } });
    expect(leftOut.entityId).toBe('KN-2026-000900');
    expect(JSON.parse(leftOut.after!)).toMatchObject({ status: 'not_petition' });
    const countedIn = await db.auditLog.findFirstOrThrow({ where: { action: 'petition.is_petition' } });
    expect(JSON.parse(countedIn.before!)).toMatchObject({ status: 'not_petition' });
    expect(JSON.parse(countedIn.after!)).toMatchObject({ status: 'reviewed' });

    const [after] = await h.text(staff, '/thongke');
    expect(after).toContain('Tổng số: 2');
    const [history] = await h.text(staff, '/kn KN-2026-000900');
    expect(history).toContain('KN-2026-000900 — Không phải kiến nghị');
  });
});

describe('follow-up and the answer to the voter', () => {
  it('sends the answer once to named and anonymous voters, never to one who withdrew, and shows no anonymous sender', async () => {
    h = await startHarness();
    const staff = newUserId();
    await h.grant(staff, 'staff');
    const named = newUserId();
    const anonymous = newUserId();
    const withdrawn = newUserId();
    const namedCode = await voterSends(h, named, 'agree', 'Đường ngõ 12 Trần Duy Hưng mưa là ngập.');
    const anonymousCode = await voterSends(h, anonymous, 'anonymous', 'Trạm y tế phường thiếu thuốc.');
    const withdrawnCode = await voterSends(h, withdrawn, 'anonymous', 'Đèn đường ngõ 9 hỏng.');
    await h.text(withdrawn, '/xoadulieu');
    await h.press(withdrawn, 'delete:confirm');
    await classifierDone(h);

    const [forwarded] = await h.text(staff, `/chuyen ${namedCode} | UBND phường Cầu Giấy | 02/12/2026`);
    expect(forwarded).toContain('Đã chuyển cơ quan có thẩm quyền');

    // The platform refuses the first delivery (429): the answer is retried, and sent once.
    h.telegram.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', 1);
    const [answered] = await h.text(
      staff,
      `/traloi ${namedCode} | Đã lập dự án cải tạo thoát nước ngõ 12 | 123/UBND-QLĐT | 10/12/2026`,
    );
    expect(answered).toContain('Cử tri sẽ nhận được thông báo');
    await waitUntil(async () => h!.telegram.textsTo(named).some((text) => text.includes('đã có trả lời')));
    // Answering again (a corrected text) does not notify twice.
    const [again] = await h.text(
      staff,
      `/traloi ${namedCode} | Đã lập dự án cải tạo thoát nước ngõ 12, khởi công quý I | 123/UBND-QLĐT`,
    );
    expect(again).not.toContain('Cử tri sẽ nhận');
    await h.text(staff, `/traloi ${anonymousCode} | Sở Y tế đã bổ sung thuốc`);
    const [noVoter] = await h.text(staff, `/traloi ${withdrawnCode} | Đã thay bóng đèn`);
    expect(noVoter).not.toContain('Cử tri sẽ nhận');
    await settled(h);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const answersTo = (user: number) => h!.telegram.textsTo(user).filter((text) => text.includes('đã có trả lời'));
    expect(answersTo(named)).toHaveLength(1);
    expect(answersTo(named)[0]).toContain('123/UBND-QLĐT');
    expect(answersTo(named)[0]).toContain(namedCode);
    expect(answersTo(anonymous)).toHaveLength(1);
    expect(answersTo(withdrawn)).toHaveLength(0);
    expect(h.telegram.failed.map((call) => call.method)).toEqual(['sendMessage']);

    const namedPetition = await h.app.db.petition.findUniqueOrThrow({
      where: { trackingCode: namedCode },
      include: { events: { orderBy: { id: 'asc' } } },
    });
    expect(namedPetition.answerNotifiedAt).toBeInstanceOf(Date);
    expect(namedPetition.forwardedTo).toBe('UBND phường Cầu Giấy');
    expect(namedPetition.answerRef).toBe('123/UBND-QLĐT');
    const byStaff = namedPetition.events.filter((e) => e.actor?.includes(String(staff)));
    expect(byStaff.map((e) => [e.fromStatus, e.toStatus])).toEqual([
      [expect.any(String), 'forwarded'],
      ['forwarded', 'answered'],
      ['answered', 'answered'],
    ]);

    const [namedHistory] = await h.text(staff, `/kn ${namedCode}`);
    expect(namedHistory).toContain('Trần Thị Hoa');
    expect(namedHistory).toContain('UBND phường Cầu Giấy');
    expect(namedHistory).toContain('đã báo cử tri');
    const [anonymousHistory] = await h.text(staff, `/kn ${anonymousCode}`);
    expect(anonymousHistory).toContain('Người gửi: ẩn danh');
    expect(anonymousHistory).not.toContain(String(anonymous));

    await h.text(staff, `/trung ${anonymousCode} ${namedCode}`);
    await h.text(staff, `/tuchoi ${withdrawnCode} | không thuộc phạm vi kiến nghị`);
    await h.text(staff, `/giaiquyet ${namedCode}`);
    const statuses = await h.app.db.petition.findMany({
      orderBy: { id: 'asc' },
      select: { status: true, duplicateOfId: true, rejectReason: true },
    });
    expect(statuses.map((s) => s.status)).toEqual(['resolved', 'duplicate', 'rejected']);
    expect(statuses[2]!.rejectReason).toBe('không thuộc phạm vi kiến nghị');
    expect(await auditedActions(h.app)).toEqual([
      'petition.forwarded',
      'petition.answered',
      'petition.answered',
      'petition.answered',
      'petition.answered',
      // Staff saw the named voter's name and ward in /kn; the anonymous voter's view records nothing.
      'voter.data_view',
      'petition.duplicate',
      'petition.rejected',
      'petition.resolved',
    ]);
    const view = await h.app.db.auditLog.findFirstOrThrow({ where: { action: 'voter.data_view' } });
    expect(view.actor).toContain(String(staff));
  });
});
