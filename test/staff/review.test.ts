// The review queue (a correction with buttons and with typed answers), status changes with
// their history, and the answer reaching the voter exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/app.ts';
import { newUserId, startHarness, type Harness } from './support.ts';

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
        create: { taxonomy: 'current', authority: 'city', field: 'land', confidence: 0.41, classifier: 'llm', reason: 'LLM và luật không thống nhất' },
      },
    },
  });
}

async function voterSends(harness: Harness, userId: number, consent: 'agree' | 'anonymous', text: string): Promise<string> {
  await harness.text(userId, '/start', 2);
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
  await waitUntil(async () => (await harness.app.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0);
}

describe('review queue', () => {
  it('corrects level, field and agency with buttons and typed answers, keeping the history', async () => {
    h = await startHarness();
    const staff = newUserId();
    await h.grant(staff, 'staff');
    const first = await petitionToReview(h, 'KN-2026-000010', 'Khói bụi từ xưởng gỗ ở ngõ 68 Cầu Giấy gây ô nhiễm.', new Date(Date.now() - 60_000));
    await petitionToReview(h, 'KN-2026-000011', 'Đề nghị cấp sổ đỏ cho khu tập thể.', new Date());

    const [card] = await h.text(staff, '/duyet');
    expect(card).toContain('KN-2026-000010');
    expect(card).toContain('còn 2');
    expect(card).toContain('Đất đai');
    expect(card).toContain('41%');
    expect(card).toContain('LLM và luật không thống nhất');
    expect(h.buttons(staff)).toEqual(['rv:confirm', 'rv:level', 'rv:field', 'rv:agency', 'rv:skip', 'rv:stop']);

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

    const petition = await h.app.db.petition.findUniqueOrThrow({ where: { id: first.id }, include: { classifications: { orderBy: { id: 'asc' } }, events: true } });
    expect(petition).toMatchObject({ authority: 'commune', field: 'environment', agency: 'UBND phường Cầu Giấy', needsReview: false, status: 'reviewed' });
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
    expect(history).toContain('staff: Xã/phường/đặc khu / Tài nguyên, môi trường (100%)');
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
    const [answered] = await h.text(staff, `/traloi ${namedCode} | Đã lập dự án cải tạo thoát nước ngõ 12 | 123/UBND-QLĐT | 10/12/2026`);
    expect(answered).toContain('Cử tri sẽ nhận được thông báo');
    await waitUntil(async () => h!.telegram.textsTo(named).some((text) => text.includes('đã có trả lời')));
    // Answering again (a corrected text) does not notify twice.
    const [again] = await h.text(staff, `/traloi ${namedCode} | Đã lập dự án cải tạo thoát nước ngõ 12, khởi công quý I | 123/UBND-QLĐT`);
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

    const namedPetition = await h.app.db.petition.findUniqueOrThrow({ where: { trackingCode: namedCode }, include: { events: { orderBy: { id: 'asc' } } } });
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
    const statuses = await h.app.db.petition.findMany({ orderBy: { id: 'asc' }, select: { status: true, duplicateOfId: true, rejectReason: true } });
    expect(statuses.map((s) => s.status)).toEqual(['resolved', 'duplicate', 'rejected']);
    expect(statuses[2]!.rejectReason).toBe('không thuộc phạm vi kiến nghị');
    const actions = (await h.app.db.auditLog.findMany({ orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual([
      'petition.forwarded',
      'petition.answered',
      'petition.answered',
      'petition.answered',
      'petition.answered',
      'petition.duplicate',
      'petition.rejected',
      'petition.resolved',
    ]);
  });
});
