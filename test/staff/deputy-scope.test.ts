// A deputy's /thongke, /bieudo and free questions count only their scope (the meetings of their
// constituency and those they attended); staff's figures are unchanged.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveMeeting } from '../../src/meetings/service.ts';
import { FakeOpenAITools } from '../fakes/openai-tools.ts';
import { newUserId, startHarness, type Harness } from './support.ts';

let h: Harness;
let llm: FakeOpenAITools;
let deputy: number;
let staff: number;

/** Petitions per meeting: CG (An attends, his constituency), TX (his constituency), ND (another's), none. */
const PLAN = { CG: 4, TX: 3, ND: 5, none: 2 } as const;
const IN_SCOPE = PLAN.CG + PLAN.TX;
const ALL = PLAN.CG + PLAN.TX + PLAN.ND + PLAN.none;

beforeEach(async () => {
  llm = await new FakeOpenAITools().start();
  h = await startHarness({ OPENAI_API_KEY: llm.apiKey, OPENAI_BASE_URL: llm.baseURL, OPENAI_MODEL: 'fake' });
  const db = h.app.db;
  const start = '2026-11-02T08:00:00+07:00';
  const meetings = {
    CG: await saveMeeting(db, {
      code: 'CG',
      title: 'Cầu Giấy',
      start,
      place: 'UBND',
      ward: 'Phường Cầu Giấy',
      constituency: 'Đơn vị số 5',
      deputies: 'Nguyễn Văn An',
    }),
    TX: await saveMeeting(db, {
      code: 'TX',
      title: 'Thanh Xuân',
      start,
      place: 'UBND',
      ward: 'Phường Thanh Xuân',
      constituency: 'Đơn vị số 5',
      deputies: 'Lê Văn Cường',
    }),
    ND: await saveMeeting(db, {
      code: 'ND',
      title: 'Nghĩa Đô',
      start,
      place: 'UBND',
      ward: 'Phường Nghĩa Đô',
      constituency: 'Đơn vị số 6',
      deputies: 'Trần Thị Bình',
    }),
  };
  let n = 0;
  for (const [key, howMany] of Object.entries(PLAN)) {
    for (let i = 0; i < howMany; i++) {
      n++;
      await db.petition.create({
        data: {
          trackingCode: `KN-2026-${String(n).padStart(6, '0')}`,
          channel: 'telegram',
          text: `Kiến nghị ${n}`,
          textNormalized: `Kiến nghị ${n}`,
          field: 'environment',
          authority: 'commune',
          meetingId: key === 'none' ? null : meetings[key as keyof typeof meetings].id,
          receivedAt: new Date('2026-11-02T09:00:00+07:00'),
        },
      });
    }
  }
  const an = await db.deputy.findFirstOrThrow({ where: { name: 'Nguyễn Văn An' } });
  deputy = newUserId();
  staff = newUserId();
  await h.grant(deputy, 'deputy', an.id);
  await h.grant(staff, 'staff');
});
afterEach(async () => {
  await h.stop();
  await llm.stop();
});

describe("a deputy's statistics", () => {
  it("/thongke counts only the deputy's meetings; staff's counts everything", async () => {
    const [mine] = await h.text(deputy, '/thongke');
    expect(mine).toContain(`Tổng số: ${IN_SCOPE} kiến nghị`);
    expect(mine).toContain('phạm vi của đại biểu Nguyễn Văn An');
    expect(mine).not.toContain('ND Nghĩa Đô');
    const [other] = await h.text(deputy, '/thongke hop=ND');
    expect(other).toContain('Tổng số: 0 kiến nghị');
    const [ward] = await h.text(deputy, '/thongke phuong=thanh xuan');
    expect(ward).toContain(`Tổng số: ${PLAN.TX} kiến nghị`);

    const [all] = await h.text(staff, '/thongke');
    expect(all).toContain(`Tổng số: ${ALL} kiến nghị`);
    expect(all).toContain('Thống kê kiến nghị — toàn bộ');
    const [nd] = await h.text(staff, '/thongke hop=ND');
    expect(nd).toContain(`Tổng số: ${PLAN.ND} kiến nghị`);
  });

  it('/bieudo draws nothing outside the scope', async () => {
    const [none] = await h.text(deputy, '/bieudo hop=ND');
    expect(none).toContain('Không có kiến nghị nào');
    const captions = await h.text(staff, '/bieudo hop=ND', 3);
    expect(captions[0]).toContain('theo lĩnh vực');
  });

  it("a deputy's free question is answered from the scope only", async () => {
    llm.script = (request) => {
      const done = FakeOpenAITools.toolResults(request) as { total?: number }[];
      if (done.length === 0) return { toolCalls: [{ name: 'count_petitions', args: { field: 'environment' } }] };
      return { content: `Có ${String(done[0]!.total)} kiến nghị về môi trường.` };
    };
    const [, mine] = await h.text(deputy, 'Có bao nhiêu kiến nghị về môi trường?', 2);
    expect(mine).toBe(`Có ${IN_SCOPE} kiến nghị về môi trường.`);
    const [, all] = await h.text(staff, 'Có bao nhiêu kiến nghị về môi trường?', 2);
    expect(all).toBe(`Có ${ALL} kiến nghị về môi trường.`);
  });
});
