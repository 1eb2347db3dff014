// Free questions answered through the fake LLM's tool calls: the tools a role is offered,
// a tool refused to a role, numbers checked against the tool results, and no LLM at all.
import { afterEach, describe, expect, it } from 'vitest';
import { saveMeeting } from '../../src/meetings/service.ts';
import { FakeOpenAITools, type ChatRequest } from '../fakes/openai-tools.ts';
import { useFakes } from '../helpers/fixture.ts';
import { newUserId, startHarness, type Harness } from './support.ts';

const fx = useFakes({ tools: true });
let h: Harness | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function llmEnv() {
  return { OPENAI_API_KEY: fx.tools.apiKey, OPENAI_BASE_URL: fx.tools.baseURL, OPENAI_MODEL: 'fake-tools-model' };
}

const COUNT_QUESTION = 'Tuần này phường Cầu Giấy có bao nhiêu kiến nghị về môi trường?';
const LIST_QUESTION = 'Tuần này phường Cầu Giấy có những kiến nghị nào về môi trường?';
// Content without personal data: the gateway sends it as it is (a house number would be redacted).
const SECRET_TEXT = 'Khói bụi từ xưởng gỗ cạnh trường mầm non';

async function seed(harness: Harness) {
  const db = harness.app.db;
  const cg = await saveMeeting(db, {
    code: 'CG',
    title: 'Cầu Giấy',
    start: new Date().toISOString(),
    place: 'UBND',
    ward: 'Phường Cầu Giấy',
  });
  const nd = await saveMeeting(db, {
    code: 'ND',
    title: 'Nghĩa Đô',
    start: new Date().toISOString(),
    place: 'UBND',
    ward: 'Phường Nghĩa Đô',
  });
  const now = Date.now();
  const rows: [number, string, number][] = [
    [cg.id, 'environment', 0],
    [cg.id, 'environment', 0],
    [cg.id, 'environment', 0],
    [cg.id, 'land', 0],
    [cg.id, 'environment', 40],
    [cg.id, 'environment', 41],
    [nd.id, 'environment', 0],
  ];
  for (const [index, [meetingId, field, daysAgo]] of rows.entries()) {
    const text = index === 0 ? SECRET_TEXT : `Kiến nghị ${index}`;
    await db.petition.create({
      data: {
        trackingCode: `KN-2026-${String(index + 1).padStart(6, '0')}`,
        channel: 'telegram',
        text,
        textNormalized: text,
        meetingId,
        field,
        authority: 'commune',
        receivedAt: new Date(now - daysAgo * 86_400_000 - 60_000),
      },
    });
  }
}

const toolNames = (request: ChatRequest) => FakeOpenAITools.toolNames(request);
const results = (request: ChatRequest) => FakeOpenAITools.toolResults(request) as Record<string, unknown>[];

describe('free questions', () => {
  it('answers a staff question through a tool call, with the number the tool returned', async () => {
    h = await startHarness(llmEnv());
    await seed(h);
    const staff = newUserId();
    await h.grant(staff, 'staff');
    fx.tools.script = (request) => {
      const done = results(request);
      if (done.length === 0)
        return {
          toolCalls: [
            { name: 'count_petitions', args: { period: 'this_week', ward: 'cau giay', field: 'environment' } },
          ],
        };
      return { content: `Tuần này phường Cầu Giấy có ${String(done[0]!.total)} kiến nghị về môi trường.` };
    };
    const [thinking, answer] = await h.text(staff, COUNT_QUESTION, 2);
    expect(thinking).toContain('Đang tra cứu');
    expect(answer).toBe('Tuần này phường Cầu Giấy có 3 kiến nghị về môi trường.');
    expect(fx.tools.requests).toHaveLength(2);
    expect(fx.tools.requests[0]!.model).toBe('fake-tools-model');
    expect(toolNames(fx.tools.requests[0]!)).toEqual(
      expect.arrayContaining([
        'count_petitions',
        'petition_breakdown',
        'meetings_with_min_petitions',
        'list_meetings',
        'search_petitions',
      ]),
    );
    expect(results(fx.tools.requests[1]!)[0]).toMatchObject({ total: 3 });
    // The question was a question, not a petition.
    expect(await h.app.db.petition.count()).toBe(7);
  });

  it('gives staff the petition list but refuses the same question to a deputy', async () => {
    h = await startHarness(llmEnv());
    await seed(h);
    const staff = newUserId();
    const deputy = newUserId();
    await h.grant(staff, 'staff');
    await h.grant(deputy, 'deputy');
    fx.tools.script = (request) => {
      const done = results(request);
      if (done.length === 0)
        return {
          toolCalls: [
            { name: 'search_petitions', args: { period: 'this_week', ward: 'Cầu Giấy', field: 'environment' } },
          ],
        };
      const first = done[0]!;
      if (first.error) return { content: 'Xin lỗi, vai trò của bạn không được xem danh sách kiến nghị.' };
      const petitions = first.petitions as { trackingCode: string; summary: string }[];
      return { content: `Có các kiến nghị: ${petitions.map((p) => `${p.trackingCode} (${p.summary})`).join('; ')}` };
    };

    const [, staffAnswer] = await h.text(staff, LIST_QUESTION, 2);
    expect(staffAnswer).toContain('KN-2026-000001');
    expect(staffAnswer).toContain(SECRET_TEXT);
    expect(staffAnswer).not.toContain('KN-2026-000004');

    const [, deputyAnswer] = await h.text(deputy, LIST_QUESTION, 2);
    expect(deputyAnswer).toContain('không được xem');
    expect(deputyAnswer).not.toContain(SECRET_TEXT);
    const deputyFirst = fx.tools.requests[2]!;
    expect(toolNames(deputyFirst)).toContain('count_petitions');
    expect(toolNames(deputyFirst)).not.toContain('search_petitions');
    expect(JSON.stringify(deputyFirst.messages)).not.toContain(SECRET_TEXT);
    const refused = results(fx.tools.requests[3]!)[0]!;
    expect(refused.error).toContain('search_petitions');
    expect(JSON.stringify(refused)).not.toContain(SECRET_TEXT);
  });

  it('does not show an answer whose numbers no tool returned', async () => {
    h = await startHarness(llmEnv());
    await seed(h);
    const staff = newUserId();
    await h.grant(staff, 'staff');
    fx.tools.script = (request) =>
      results(request).length === 0
        ? {
            toolCalls: [
              { name: 'count_petitions', args: { period: 'this_week', ward: 'Cầu Giấy', field: 'environment' } },
            ],
          }
        : { content: 'Tuần này phường Cầu Giấy có 42 kiến nghị về môi trường.' };
    const [, answer] = await h.text(staff, COUNT_QUESTION, 2);
    expect(answer).not.toContain('42');
    expect(answer).toContain('không khớp');
    expect(answer).toContain('"total":3');
  });

  it('without an LLM names the command to use, and a voter’s text stays a petition', async () => {
    h = await startHarness();
    const staff = newUserId();
    const voter = newUserId();
    await h.grant(staff, 'staff');
    const [reply] = await h.text(staff, COUNT_QUESTION);
    expect(reply).toContain('OPENAI_API_KEY');
    expect(reply).toContain('/thongke');
    const [schedule] = await h.text(staff, 'Lịch của đại biểu Nguyễn Văn A tuần sau?');
    expect(schedule).toContain('/lich');

    // Greeting and privacy notice come as one message; the text is held until the voter chooses.
    const [greeting] = await h.text(voter, 'Đường ngõ 5 bị ngập');
    expect(greeting).toContain('Kính chào Ông/Bà');
    expect(greeting).toContain('dữ liệu cá nhân');
    expect(greeting).toContain('đang được giữ tạm');

    // Staff who want to send a petition switch to the voter flow explicitly.
    await h.text(staff, '/cutri');
    const [asVoter] = await h.text(staff, 'Đèn đường ngõ 9 hỏng');
    expect(asVoter).toContain('dữ liệu cá nhân');
    expect(fx.tools.requests).toHaveLength(0);
  });
});
