// The workspace in a real browser (Debian's Chromium through playwright-core): a staff
// member signs in from /web on the fake Telegram, finds a petition, records the answer and
// the voter is told once; a deputy sees only their constituency, without personal data; a
// form without its CSRF token changes nothing; an expired session goes back to sign-in;
// every page renders without console errors, within the page-weight budget.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { transaction } from '../../src/db/sql.ts';
import { storePetition } from '../../src/intake/petitions.ts';
import { saveMeeting } from '../../src/meetings/service.ts';
import { SECTIONS } from '../../src/web/layout.ts';
import { waitUntil } from '../helpers/app.ts';
import { addStaff } from '../helpers/web.ts';
import { createLoginLink } from '../../src/web/auth.ts';
import { newUserId, startHarness, type Harness } from '../staff/support.ts';
import { browserAvailable, launchBrowser, watchedPage } from './support.ts';

const PAGE_BUDGET_BYTES = 300 * 1024;

describe.runIf(browserAvailable)('workspace in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext | undefined;
  let h: Harness | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
    await h?.stop();
    h = undefined;
  });

  async function meeting(code: string, constituency: string) {
    return saveMeeting(h!.app.db, {
      code,
      title: `Tiếp xúc cử tri ${code}`,
      start: '2026-11-20T08:00:00+07:00',
      place: 'Hội trường UBND phường',
      constituency,
    });
  }

  /** A petition spoken at a meeting, stored as the minutes path stores it. */
  async function spokenPetition(meetingId: number, text: string): Promise<string> {
    const stored = await transaction(h!.app.db, (tx) =>
      storePetition(tx, {
        channel: 'meeting',
        voterId: null,
        anonymous: false,
        meetingId,
        ward: null,
        text,
        media: [],
        now: new Date(),
        timeZone: 'Asia/Ho_Chi_Minh',
        minutes: { speaker: 'Cử tri tổ 3', speakerArea: null, voters: 1, sourceFile: null, sourcePosition: null },
      }),
    );
    return stored.trackingCode;
  }

  it('lets staff sign in from /web, find a petition, record the answer, and tells the voter once', async () => {
    h = await startHarness();
    await meeting('HN-01', 'Đơn vị số 1');
    const voter = newUserId();
    await h.text(voter, '/start HN-01');
    await h.press(voter, 'consent:agree');
    await h.text(voter, 'Trần Thị Hoa');
    await h.text(voter, 'Phường Cầu Giấy');
    const [stored] = await h.text(voter, 'Đề nghị sửa đèn chiếu sáng hỏng trong ngõ 12, buổi tối rất tối.');
    const code = /KN-\d{4}-\d{6}/.exec(stored!)![0];

    const staff = newUserId();
    await h.grant(staff, 'staff');
    const [reply] = await h.text(staff, '/web');
    const link = /http:\/\/\S+\/web\/login\?token=[\w-]+/.exec(reply!)![0];

    context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    await page.goto(link);
    await page.waitForURL(/\/web\/petitions/);

    // Typed without diacritics, as staff often do.
    await page.locator('input[name="q"]').fill('den chieu sang');
    await page.locator('input[name="q"]').press('Enter');
    await page.waitForURL(/q=den/);
    await page.getByRole('link', { name: code }).click();
    await page.waitForURL(new RegExp(`/web/petitions/${code}`));
    await expect.poll(() => page.locator('.petition-text').innerText()).toContain('đèn chiếu sáng');

    await page.getByLabel('Nội dung trả lời').fill('UBND phường đã thay bóng đèn ngày 25/11.');
    await page.getByLabel('Số văn bản').fill('77/UBND');
    await page.getByRole('button', { name: 'Ghi trả lời' }).click();
    await page.waitForLoadState('load');

    const answers = () => h!.telegram.textsTo(voter).filter((text) => text.includes('77/UBND'));
    await waitUntil(async () => answers().length === 1);
    // Recording the answer again (a corrected text) never tells the voter twice.
    await page.getByRole('button', { name: 'Ghi trả lời' }).click();
    await page.waitForLoadState('load');
    await waitUntil(async () => (await h!.app.db.outboxMessage.count({ where: { status: 'pending' } })) === 0);
    expect(answers()).toHaveLength(1);
    const petition = await h.app.db.petition.findUniqueOrThrow({ where: { trackingCode: code } });
    expect(petition.status).toBe('answered');
    expect(problems).toEqual([]);
  });

  it('shows a deputy only their constituency, redacted, and no actions', async () => {
    h = await startHarness();
    const own = await meeting('DB-01', 'Đơn vị số 1');
    const other = await meeting('DB-02', 'Đơn vị số 2');
    const ownCode = await spokenPetition(
      own.id,
      'Ông Nguyễn Văn Bình, số điện thoại 0912345678, đề nghị sửa cống thoát nước ở tổ 3.',
    );
    const otherCode = await spokenPetition(other.id, 'Đề nghị mở thêm lớp học buổi tối cho người lớn tuổi.');
    const deputy = await h.app.db.deputy.create({
      data: { name: 'Lê Văn Cường', nameKey: 'le van cuong', constituency: 'Đơn vị số 1' },
    });
    const deputyStaff = await addStaff(h.app, 'deputy', { deputyId: deputy.id });

    context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    await page.goto(await createLoginLink(h.app.db, `http://127.0.0.1:${h.app.port}`, deputyStaff, new Date()));
    await page.waitForURL(/\/web\//);
    await page.goto(`http://127.0.0.1:${h.app.port}/web/petitions`);
    const table = await page.locator('main').innerText();
    expect(table).toContain(ownCode);
    expect(table).not.toContain(otherCode);
    expect(table).not.toContain('0912345678');
    expect(await page.locator('input[type="checkbox"][name="code"]').count()).toBe(0);

    await page.goto(`http://127.0.0.1:${h.app.port}/web/petitions/${ownCode}`);
    const detail = await page.locator('main').innerText();
    expect(detail).not.toContain('0912345678');
    expect(detail).not.toContain('Nguyễn Văn Bình');
    expect(await page.locator('form[method="post"]:not(.account)').count()).toBe(0);
    expect(problems).toEqual([]);
    const outside = await page.goto(`http://127.0.0.1:${h.app.port}/web/petitions/${otherCode}`);
    expect(outside?.status()).toBe(404);
  });

  it('changes nothing for a form without its CSRF token, and sends an expired session back to sign in', async () => {
    h = await startHarness({ WEB_SESSION_HOURS: '1' });
    const held = await meeting('CS-01', 'Đơn vị số 1');
    const code = await spokenPetition(held.id, 'Đề nghị sửa chữa nhà văn hóa khu phố đã xuống cấp.');
    const admin = await addStaff(h.app, 'admin');

    context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    await page.goto(await createLoginLink(h.app.db, `http://127.0.0.1:${h.app.port}`, admin, new Date()));
    await page.waitForURL(/\/web\/petitions/);
    await page.goto(`http://127.0.0.1:${h.app.port}/web/petitions/${code}`);
    const reject = page.locator('form', { has: page.getByRole('button', { name: 'Không tiếp nhận' }) });
    await reject.getByLabel('Lý do').fill('Thử gửi không có mã chống giả mạo');
    await reject.locator('input[name="_csrf"]').evaluate((input) => input.remove());
    page.once('dialog', (dialog) => void dialog.accept());
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      reject.getByRole('button', { name: 'Không tiếp nhận' }).click(),
    ]);
    expect(response.status()).toBe(403);
    await page.waitForURL(/\/reject$/);
    const unchanged = await h.app.db.petition.findUniqueOrThrow({ where: { trackingCode: code } });
    expect(unchanged.status).not.toBe('rejected');

    await h.app.db.webSession.updateMany({ data: { lastSeenAt: new Date(Date.now() - 2 * 3_600_000) } });
    const expired = await page.goto(`http://127.0.0.1:${h.app.port}/web/petitions`);
    expect(expired?.status()).toBe(401);
    expect(await page.locator('main').innerText()).toContain('/web');
    // The 403 and 401 pages are expected answers, not script errors.
    expect(problems.filter((problem) => !problem.includes('status of 40'))).toEqual([]);
  });

  it('renders every section without console errors and within the page-weight budget', async () => {
    h = await startHarness({ DEMO_SEED: 'on' });
    const admin = await addStaff(h.app, 'admin');
    context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    let transferred = 0;
    page.on('response', (response) => {
      void response.body().then(
        (body) => (transferred += body.length),
        () => undefined,
      );
    });
    await page.goto(await createLoginLink(h.app.db, `http://127.0.0.1:${h.app.port}`, admin, new Date()));
    await page.waitForURL(/\/web\/petitions/);
    await page.waitForLoadState('networkidle');
    expect(transferred).toBeLessThan(PAGE_BUDGET_BYTES);
    for (const section of SECTIONS) {
      const response = await page.goto(`http://127.0.0.1:${h.app.port}${section.path}`);
      expect(response?.status(), section.path).toBe(200);
      await expect.poll(() => page.locator('h1').innerText()).not.toBe('');
    }
    expect(problems).toEqual([]);
  });
});
