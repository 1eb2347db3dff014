// The review queue in the workspace over real HTTP: the same queue as /duyet in chat
// (petitions from the fake Telegram, a text the classifier found not to be a petition),
// one card at a time, oldest first, counting down through accept, correct, not a
// petition and skip, with the keyboard shortcuts on the page.
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/app.ts';
import { addStaff, signIn, type WebClient } from '../helpers/web.ts';
import { auditedActions, newUserId, startHarness, type Harness } from '../staff/support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function namedVoter(harness: Harness): Promise<number> {
  const user = newUserId();
  await harness.text(user, '/start');
  await harness.press(user, 'consent:agree');
  await harness.text(user, 'Lê Văn Nam');
  await harness.text(user, 'Phường Nghĩa Đô');
  return user;
}

async function petitionFrom(harness: Harness, user: number, text: string): Promise<number> {
  const [stored] = await harness.text(user, text);
  const code = /KN-\d{4}-\d{6}/.exec(stored!)![0];
  return (await harness.app.db.petition.findUniqueOrThrow({ where: { trackingCode: code } })).id;
}

/** The card shown now: its petition id, the count, and the page. */
async function card(client: WebClient, query = ''): Promise<{ id: number | null; remaining: number; page: string }> {
  const response = await client.get(`/web/review${query}`);
  expect(response.status).toBe(200);
  const page = await response.text();
  const id = /<input type="hidden" name="id" value="(\d+)"/.exec(page)?.[1];
  const remaining = /Còn <b>(\d+)<\/b> kiến nghị cần rà soát/.exec(page)?.[1];
  return { id: id ? Number(id) : null, remaining: Number(remaining ?? 0), page };
}

function noticeOf(response: Response): string | null {
  return new URL(response.headers.get('location')!, 'http://localhost').searchParams.get('notice');
}

function decide(client: WebClient, fields: Record<string, string>): Promise<Response> {
  return client.post('/web/review', fields);
}

describe('the review queue', () => {
  it('walks the queue oldest first with accept, correct, not a petition and skip, as /duyet sees it', async () => {
    // Every classification below certainty needs review: the queue fills from real intake.
    h = await startHarness({ REVIEW_CONFIDENCE_THRESHOLD: '1' });
    const db = h.app.db;
    const notPetition = await db.petition.create({
      data: {
        trackingCode: 'KN-2026-800001',
        channel: 'telegram',
        text: 'Xin chào các đại biểu',
        textNormalized: 'Xin chào các đại biểu',
        status: 'not_petition',
        needsReview: true,
        receivedAt: new Date(Date.now() - 3_600_000),
        classifications: {
          create: {
            taxonomy: 'current',
            authority: 'commune',
            field: 'other',
            confidence: 0.3,
            isPetition: false,
            classifier: 'rules',
            reason: 'lời chào, không nêu việc cần giải quyết',
          },
        },
      },
    });
    const user = await namedVoter(h);
    const first = await petitionFrom(h, user, 'Đề nghị sửa đèn chiếu sáng hỏng trong ngõ 12 Trần Duy Hưng.');
    const second = await petitionFrom(h, user, 'Đề nghị nạo vét cống thoát nước phố Trung Kính, mưa là ngập.');
    const third = await petitionFrom(h, user, 'Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho khu tập thể.');
    await waitUntil(
      async () => (await db.petition.count({ where: { needsReview: true, status: 'classified' } })) === 3,
    );
    const staff = await signIn(h.app, await addStaff(h.app, 'staff'));

    // The oldest first: the text the classifier found not to be a petition.
    let now = await card(staff);
    expect(now).toMatchObject({ id: notPetition.id, remaining: 4 });
    expect(now.page).toContain('Xin chào các đại biểu');
    expect(now.page).toContain('có thể không phải kiến nghị');
    expect(now.page).toContain('lời chào, không nêu việc cần giải quyết');
    for (const key of ['a', 'n', 's', 'c', 'f', '1', '2', '3']) expect(now.page).toContain(`data-key="${key}"`);
    expect(now.page).toContain('<kbd>a</kbd>');
    const chatStaff = newUserId();
    await h.grant(chatStaff, 'staff');
    const [chatFirst] = await h.text(chatStaff, '/duyet');
    expect(chatFirst).toContain('Rà soát KN-2026-800001 (còn 4 kiến nghị)');
    let answer = await decide(staff, { id: String(notPetition.id), action: 'notpetition', skip: '' });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toMatch(/^\/web\/review\?notice=/);
    expect(noticeOf(answer)).toContain('KN-2026-800001 không phải kiến nghị');
    expect(await db.petition.findUniqueOrThrow({ where: { id: notPetition.id } })).toMatchObject({
      status: 'not_petition',
      needsReview: false,
    });

    now = await card(staff);
    expect(now).toMatchObject({ id: first, remaining: 3 });
    expect(now.page).toContain('Phân loại đề xuất');
    answer = await decide(staff, { id: String(first), action: 'skip', skip: '' });
    expect(answer.headers.get('location')).toBe(`/web/review?skip=${first}`);
    expect((await db.petition.findUniqueOrThrow({ where: { id: first } })).status).toBe('classified');

    now = await card(staff, `?skip=${first}`);
    expect(now).toMatchObject({ id: second, remaining: 2 });
    const before = await db.petition.findUniqueOrThrow({ where: { id: second } });
    answer = await decide(staff, { id: String(second), action: 'accept', skip: String(first) });
    expect(answer.headers.get('location')).toMatch(new RegExp(`^/web/review\\?skip=${first}&notice=`));
    const accepted = await db.petition.findUniqueOrThrow({
      where: { id: second },
      include: { classifications: { orderBy: { id: 'desc' }, take: 1 } },
    });
    expect(accepted).toMatchObject({ status: 'reviewed', needsReview: false, authority: before.authority });
    expect(accepted.classifications[0]).toMatchObject({ classifier: 'staff', reason: 'cán bộ xác nhận khi rà soát' });

    now = await card(staff, `?skip=${first}`);
    expect(now).toMatchObject({ id: third, remaining: 1 });
    answer = await decide(staff, {
      id: String(third),
      action: 'correct',
      authority: 'commune',
      field: 'land',
      agency: 'UBND phường Nghĩa Đô',
      skip: String(first),
    });
    expect(answer.status).toBe(303);
    const corrected = await db.petition.findUniqueOrThrow({ where: { id: third }, include: { events: true } });
    expect(corrected).toMatchObject({ status: 'reviewed', authority: 'commune', field: 'land' });
    expect(corrected.agency).toBe('UBND phường Nghĩa Đô');
    expect(corrected.events.at(-1)).toMatchObject({ toStatus: 'reviewed', note: 'sửa phân loại' });

    now = await card(staff, `?skip=${first}`);
    expect(now.id).toBeNull();
    expect(now.page).toContain('Không còn kiến nghị cần rà soát');
    expect(now.page).toContain('Xem lại các kiến nghị để sau');

    // A decision on a card someone already decided changes nothing.
    const classifications = await db.classification.count({ where: { petitionId: second } });
    answer = await decide(staff, { id: String(second), action: 'correct', authority: 'central', field: 'land' });
    expect(noticeOf(answer)).toBe('Kiến nghị này đã được rà soát.');
    expect(await db.classification.count({ where: { petitionId: second } })).toBe(classifications);

    // What was skipped is back without the skip list, in the workspace and in chat alike.
    now = await card(staff);
    expect(now).toMatchObject({ id: first, remaining: 1 });
    const [chatCard] = await h.text(chatStaff, '/duyet');
    const firstCode = (await db.petition.findUniqueOrThrow({ where: { id: first } })).trackingCode;
    expect(chatCard).toContain(firstCode);
    // The chat names the count from two on: one left here too.
    expect(chatCard).not.toMatch(/còn \d+ kiến nghị/);

    expect(await auditedActions(h.app)).toEqual(
      expect.arrayContaining(['petition.not_petition', 'petition.confirm', 'petition.correct']),
    );
  });

  it('offers the offline classifier’s reading as a suggested correction, applied with one click', async () => {
    h = await startHarness();
    const db = h.app.db;
    const petition = await db.petition.create({
      data: {
        trackingCode: 'KN-2026-800010',
        channel: 'telegram',
        text: 'Đề nghị Bộ Giáo dục và Đào tạo sửa đổi chương trình sách giáo khoa phổ thông.',
        textNormalized: 'Đề nghị Bộ Giáo dục và Đào tạo sửa đổi chương trình sách giáo khoa phổ thông.',
        status: 'classified',
        needsReview: true,
        authority: 'commune',
        field: 'land',
        classifications: {
          create: { taxonomy: 'current', authority: 'commune', field: 'land', confidence: 0.35, classifier: 'llm' },
        },
      },
    });
    const staff = await signIn(h.app, await addStaff(h.app, 'admin'));
    const now = await card(staff);
    expect(now).toMatchObject({ id: petition.id, remaining: 1 });
    expect(now.page).toContain('Gợi ý sửa');
    expect(now.page).toContain('data-key="g"');
    const suggestion = /<form method="post" action="\/web\/review" class="review-proposal">([\s\S]*?)<\/form>/.exec(
      now.page,
    )![1]!;
    const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(suggestion)![1]!;
    expect(hidden('authority')).toBe('central');
    const answer = await decide(staff, {
      id: String(petition.id),
      action: 'correct',
      authority: hidden('authority'),
      field: hidden('field'),
      agency: hidden('agency'),
      skip: '',
    });
    expect(answer.status).toBe(303);
    expect(await db.petition.findUniqueOrThrow({ where: { id: petition.id } })).toMatchObject({
      authority: 'central',
      field: 'education',
      status: 'reviewed',
    });
    expect((await card(staff)).page).toContain('Không còn kiến nghị cần rà soát');
  });
});
