// The statistics page shows the figures /thongke gives on the fake Telegram for the same data
// and filter, each bar links to the petitions table filtered to it, and a deputy's page
// counts only their scope.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveMeeting } from '../../src/meetings/service.ts';
import { newUserId, startHarness, type Harness } from '../staff/support.ts';
import { addStaff, signIn, type WebClient } from '../helpers/web.ts';

const DAY = 86_400_000;
const isoDay = (offsetDays: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(Date.now() + offsetDays * DAY));

let h: Harness;
let chatStaff: number;
let web: WebClient;
let deputyId: number;

const FIELDS = ['environment', 'land', 'traffic_infrastructure', null];
const LEVELS = ['commune', 'city', 'central', null];
const STATUSES = ['received', 'classified', 'forwarded', 'answered'];

beforeEach(async () => {
  // The session closed 30 days ago (its deadline has passed) and the next opens in 40 days.
  h = await startHarness({ SESSION_CLOSES: isoDay(-30), SESSION_OPENS: isoDay(40) });
  chatStaff = newUserId();
  await h.grant(chatStaff, 'staff');
  const db = h.app.db;
  const start = '2026-11-02T08:00:00+07:00';
  const cg = await saveMeeting(db, {
    code: 'CG',
    title: 'Cầu Giấy',
    start,
    place: 'UBND',
    ward: 'Phường Cầu Giấy',
    constituency: 'Đơn vị số 5',
    deputies: 'Nguyễn Văn An',
  });
  const nd = await saveMeeting(db, {
    code: 'ND',
    title: 'Nghĩa Đô',
    start,
    place: 'UBND',
    ward: 'Phường Nghĩa Đô',
    constituency: 'Đơn vị số 6',
    deputies: 'Trần Thị Bình',
  });
  const voter = await db.voter.create({
    data: { channel: 'telegram', channelUserId: 'v1', chatId: 'v1', ward: 'Cầu Giấy', consent: 'agreed' },
  });
  let seed = 11;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor(seed / 65536) % n;
  };
  for (let i = 0; i < 48; i++) {
    const status = STATUSES[next(STATUSES.length)]!;
    await db.petition.create({
      data: {
        trackingCode: `KN-2026-${String(i + 1).padStart(6, '0')}`,
        channel: i % 3 === 0 ? 'meeting' : 'telegram',
        text: `Kiến nghị số ${i + 1}`,
        textNormalized: `Kiến nghị số ${i + 1}`,
        // Spread over the last 60 days, so "this month" and a range both cut through them.
        receivedAt: new Date(Date.now() - (i % 60) * 1.3 * DAY),
        field: FIELDS[next(FIELDS.length)]!,
        authority: LEVELS[next(LEVELS.length)]!,
        status,
        meetingId: [null, cg.id, nd.id][next(3)]!,
        voterId: i % 3 === 0 ? null : voter.id,
        voters: i % 3 === 0 ? 1 + (i % 4) : 1,
        legalBasis: i % 3 === 0 ? 'minutes' : null,
        ward: i % 3 === 0 ? null : voter.ward,
        ...(status === 'forwarded' ? { answerDueAt: new Date(Date.now() - (i % 2) * 5 * DAY + DAY) } : {}),
      },
    });
  }
  deputyId = (await db.deputy.findFirstOrThrow({ where: { name: 'Nguyễn Văn An' } })).id;
  web = await signIn(h.app, await addStaff(h.app, 'staff'));
});
afterEach(async () => {
  await h.stop();
});

const SECTIONS: Record<string, string> = {
  status: 'Theo tình trạng',
  authority: 'Theo cấp thẩm quyền',
  field: 'Theo lĩnh vực',
  meeting: 'Hội nghị nhiều ý kiến nhất',
};

/** The chat's reply as {total line, sections: heading -> ["label: count (share)"], other lines}. */
function readChat(reply: string) {
  const sections: Record<string, string[]> = {};
  let current: string | null = null;
  const lines: string[] = [];
  for (const line of reply.split('\n')) {
    const item = /^\s+• (.+)$/.exec(line);
    if (item && current) sections[current]!.push(item[1]!);
    else if (line.endsWith(':')) sections[(current = line.slice(0, -1))] = [];
    else lines.push(line);
  }
  return { sections, lines };
}

interface Bar {
  href: string;
  value: string;
  line: string;
}

const decode = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/** The page's bars per chart, each as its link, key and "label: count (share)" as the chat writes it. */
function readPage(page: string) {
  const charts: Record<string, Bar[]> = {};
  for (const [, name, body] of page.matchAll(/data-chart="(\w+)">([\s\S]*?)<\/div>/g)) {
    charts[name!] = [
      ...body!.matchAll(
        /<a href="([^"]*)" data-value="([^"]*)" data-count="\d+">\s*<span>([^<]*)<\/span>[\s\S]*?<span class="bar-count">([^<]*)<\/span>/g,
      ),
    ].map(([, href, value, label, shown]) => ({
      href: decode(href!),
      value: value!,
      line: `${decode(label!)}: ${shown}`,
    }));
  }
  const figure = (name: string) => new RegExp(`data-figure="${name}">([^<]*)<`).exec(page)?.[1];
  return { charts, figure };
}

async function pageFor(client: WebClient, query: string): Promise<string> {
  const response = await client.get(`/web/stats${query}`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('statistics page', () => {
  it('shows the figures /thongke gives for the same filter', async () => {
    const cases: [string, string][] = [
      ['/thongke', ''],
      ['/thongke thang nay', '?period=tháng này'],
      [`/thongke ${isoDay(-20)}-${isoDay(0)} cap=xa`, `?from=${isoDay(-20)}&to=${isoDay(0)}&level=commune`],
      ['/thongke hop=cg linhvuc=moi truong', '?meeting=cg&field=environment'],
      ['/thongke phuong=cau giay trangthai=forwarded', '?ward=cau giay&status=forwarded'],
    ];
    for (const [command, query] of cases) {
      const [reply] = await h.text(chatStaff, command);
      const chat = readChat(reply!);
      const page = readPage(await pageFor(web, encodeURI(query)));
      const total = page.figure('total');
      expect(Number(total), command).toBeGreaterThan(0);
      expect(chat.lines).toContain(`Tổng số: ${total} kiến nghị, ${page.figure('voters')} lượt cử tri`);
      for (const [chart, heading] of Object.entries(SECTIONS)) {
        // (Rows with equal counts may come in either order.)
        expect(page.charts[chart]?.map((bar) => bar.line).sort() ?? [], `${command} ${heading}`).toEqual(
          (chat.sections[heading] ?? []).sort(),
        );
      }
      expect(chat.lines).toContain(page.figure('overdue'));
      const late = page.figure('late');
      if (late) expect(chat.lines).toContain(late);
      else expect(chat.lines.join('\n')).not.toContain('Quá hạn chuyển');
      expect(chat.lines.find((line) => line.startsWith('Hạn gửi tổng hợp'))).toMatch(/còn 25 ngày/);
    }
    // The deadlines themselves are on the page too, and everything counted has late petitions.
    const everything = await pageFor(web, '');
    expect(everything).toMatch(/Hạn gửi tổng hợp kiến nghị trước kỳ họp: .*còn 25 ngày/);
    expect(readPage(everything).figure('late')).toMatch(/: [1-9]\d* ý kiến/);
    expect(Number(readPage(everything).figure('total'))).toBe(48);
  });

  it('links each bar to the petitions table filtered to it', async () => {
    const from = isoDay(-20);
    const to = isoDay(0);
    const page = readPage(await pageFor(web, `?from=${from}&to=${to}&ward=${encodeURIComponent('Cầu Giấy')}`));
    const params = (href: string) => Object.fromEntries(new URL(href, 'http://x').searchParams);
    const central = page.charts.authority!.find((bar) => bar.value === 'central')!;
    expect(central.href.startsWith('/web/petitions?')).toBe(true);
    expect(params(central.href)).toEqual({ from, to, ward: 'Cầu Giấy', level: 'central' });
    const land = page.charts.field!.find((bar) => bar.value === 'land')!;
    expect(params(land.href)).toEqual({ from, to, ward: 'Cầu Giấy', field: 'land' });
    const forwarded = page.charts.status!.find((bar) => bar.value === 'forwarded')!;
    expect(params(forwarded.href)).toEqual({ from, to, ward: 'Cầu Giấy', status: 'forwarded' });
    expect(params(page.charts.meeting![0]!.href)).toMatchObject({ from, to, meeting: 'CG' });

    // A period in words becomes its days; each day of the chart opens that day.
    const month = await pageFor(web, `?period=${encodeURIComponent('tháng này')}`);
    const first = `${isoDay(0).slice(0, 8)}01`;
    const statusBar = readPage(month).charts.status![0]!;
    expect(params(statusBar.href)).toMatchObject({ from: first });
    const day = /<a href="([^"]*)" data-count="\d+">\s*<title>/.exec(month)![1]!;
    expect(params(decode(day))).toEqual({ from: first, to: first });
  });

  it("counts only a deputy's scope for a deputy, as their /thongke does", async () => {
    const chatDeputy = newUserId();
    await h.grant(chatDeputy, 'deputy', deputyId);
    const deputyWeb = await signIn(h.app, await addStaff(h.app, 'deputy', { deputyId }));
    const [reply] = await h.text(chatDeputy, '/thongke');
    const page = readPage(await pageFor(deputyWeb, ''));
    const scoped = await h.app.db.petition.count({ where: { meeting: { code: 'CG' } } });
    expect(page.figure('total')).toBe(String(scoped));
    expect(readChat(reply!).lines).toContain(`Tổng số: ${scoped} kiến nghị, ${page.figure('voters')} lượt cử tri`);
    expect(page.charts.meeting!.map((bar) => bar.value)).toEqual(['CG']);
    const all = readPage(await pageFor(web, ''));
    expect(Number(all.figure('total'))).toBe(await h.app.db.petition.count());
  });

  it('says what it did not understand instead of counting', async () => {
    const response = await web.get('/web/stats?period=linh%20tinh');
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Chưa hiểu thời gian');
    const unknown = await pageFor(web, '?level=khong-co');
    expect(unknown).toContain('Không tìm thấy: cấp');
    expect(unknown).not.toContain('data-figure="total"');
  });
});
