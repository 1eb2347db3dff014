// Personal data never reaches a model: a petition with a name, a phone number and a CCCD,
// from a voter who typed an address and a phone as their ward, is classified, grouped and
// then listed to the model by a staff free question; no request body the fake model
// received holds any of it. And a ward filter names only wards the office knows.
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueClassification } from '../../src/classify/jobs.ts';
import { parseConfig } from '../../src/config/index.ts';
import { groupPetitions } from '../../src/digests/grouping.ts';
import { createModelGateway, LlmFailure, type ModelFeature } from '../../src/llm/gateway.ts';
import { saveMeeting } from '../../src/meetings/service.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.ts';
import { FakeOpenAITools, type ChatRequest, type ModelTurn } from '../fakes/openai-tools.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';
import { newUserId, startHarness, type Harness } from '../staff/support.ts';

const NAME = 'Lê Thị Thu Trang';
const OTHER_NAME = 'Đỗ Quang Vinh';
const PHONE = '0912.345.678';
const CCCD = '001203004567';
const TYPED_WARD = 'ngõ Tằm Tơ, 0977 888 999';
const KNOWN_WARD = 'Phường Cầu Giấy';
const TEXT = `${NAME}, điện thoại ${PHONE}, CCCD ${CCCD}. Đề nghị sửa cống thoát nước đầu ngõ bị vỡ.`;
const OTHER_TEXT = `Cống thoát nước đầu ngõ bị vỡ gây ngập, đề nghị sửa sớm. ${OTHER_NAME} gọi 0988 765 432.`;

const fx = useFakes({ tools: true });
let h: Harness | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** The digits of a number in any grouping (spaces, dots, dashes, +84 or a leading 0). */
function digitsPattern(number: string): RegExp {
  const digits = number.replace(/\D/g, '').replace(/^0/, '');
  return new RegExp(digits.split('').join('[\\s.\\-]*'));
}

/** Fails when any request the model received holds personal data of the seeded voters. */
function expectNothingPersonalSent(requests: ChatRequest[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) {
    const body = JSON.stringify(request);
    for (const secret of [NAME, OTHER_NAME, TYPED_WARD, 'Tằm Tơ', 'Thu Trang', 'Quang Vinh']) {
      expect(body).not.toContain(secret);
    }
    for (const number of [PHONE, CCCD, '0977 888 999', '0988 765 432']) expect(body).not.toMatch(digitsPattern(number));
  }
}

type Kind = 'classify' | 'group' | 'assistant';

function kindOf(request: ChatRequest): Kind {
  const format = (request as { response_format?: { type: string } }).response_format?.type;
  if (format === 'json_schema') return 'classify';
  return format === 'json_object' ? 'group' : 'assistant';
}

function userText(request: ChatRequest): string {
  return request.messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content ?? '')
    .join('\n');
}

/** A model that classifies (or fails to), groups everything together, and lists petitions through search_petitions. */
function scriptModel(options: { classifyFails: boolean }) {
  return (request: ChatRequest): ModelTurn => {
    const kind = kindOf(request);
    if (kind === 'classify') {
      if (options.classifyFails) return { content: 'Xin lỗi, tôi không phân loại được.' };
      const items = [...userText(request).matchAll(/<petition id="([^"]+)"[^>]*>\n([\s\S]*?)\n<\/petition>/g)];
      const results = items.map(([, id, text]) => ({
        id,
        authority: 'commune',
        field: 'traffic_infrastructure',
        agency: null,
        summary: `Tóm tắt: ${text!.slice(0, 80)}`,
        confidence: 0.9,
        is_petition: true,
        reason: 'fake',
      }));
      return { content: JSON.stringify({ results }) };
    }
    if (kind === 'group') {
      const ids = (JSON.parse(userText(request)) as { id: number }[]).map((item) => item.id);
      return { content: JSON.stringify({ groups: [{ title: 'Cống thoát nước đầu ngõ bị vỡ', ids }] }) };
    }
    const done = FakeOpenAITools.toolResults(request) as { petitions?: { trackingCode: string }[] }[];
    if (done.length === 0) return { toolCalls: [{ name: 'search_petitions', args: { limit: 10 } }] };
    return { content: `Có ${done[0]!.petitions?.length ?? 0} kiến nghị về cống thoát nước.` };
  };
}

interface Seeded {
  ids: number[];
  codes: string[];
}

/** Two voters (one typed an address and a phone as their ward) and their petitions, queued for classification. */
async function seedPetitions(harness: Harness, extra: { summary: string | null }[] = []): Promise<Seeded> {
  const db = harness.app.db;
  const voter = (id: string, name: string, ward: string) =>
    db.voter.create({ data: { channel: 'telegram', channelUserId: id, chatId: id, name, ward, consent: 'agreed' } });
  const trang = await voter('v1', NAME, TYPED_WARD);
  const vinh = await voter('v2', OTHER_NAME, KNOWN_WARD);
  const rows = [
    // An unknown ward is never copied onto the petition.
    { voterId: trang.id, text: TEXT, ward: null, summary: null as string | null, queued: true },
    { voterId: vinh.id, text: OTHER_TEXT, ward: KNOWN_WARD, summary: null as string | null, queued: true },
    ...extra.map((e) => ({ voterId: trang.id, text: TEXT, ward: null, summary: e.summary, queued: false })),
  ];
  const seeded: Seeded = { ids: [], codes: [] };
  for (const [index, row] of rows.entries()) {
    const trackingCode = `KN-2026-${String(index + 1).padStart(6, '0')}`;
    const petition = await db.petition.create({
      data: {
        trackingCode,
        channel: 'telegram',
        voterId: row.voterId,
        ward: row.ward,
        text: row.text,
        textNormalized: row.text,
        summary: row.summary,
      },
    });
    if (row.queued) await enqueueClassification(db, petition.id);
    seeded.ids.push(petition.id);
    seeded.codes.push(trackingCode);
  }
  return seeded;
}

async function classified(harness: Harness, ids: number[], classifier: 'llm' | 'rules'): Promise<void> {
  const done = () => harness.app.db.classification.count({ where: { petitionId: { in: ids }, classifier } });
  await waitUntil(async () => (await done()) === ids.length);
}

/** Asks a free question as staff; returns the tool results the model was sent. */
async function askAsStaff(harness: Harness): Promise<{ petitions: { trackingCode: string; summary: string }[] }> {
  const staff = newUserId();
  await harness.grant(staff, 'staff');
  await harness.text(staff, 'Có những kiến nghị nào về cống thoát nước?', 2);
  const last = fx.tools.requests.filter((r) => kindOf(r) === 'assistant').at(-1)!;
  return FakeOpenAITools.toolResults(last)[0] as { petitions: { trackingCode: string; summary: string }[] };
}

function llmEnv() {
  return {
    OPENAI_API_KEY: fx.tools.apiKey,
    OPENAI_BASE_URL: fx.tools.baseURL,
    OPENAI_MODEL: 'fake-model',
    WARDS: KNOWN_WARD,
  };
}

describe('the model gateway sends no personal data', () => {
  it('classifies, groups and answers a free question without the name, phone, CCCD or typed ward', async () => {
    h = await startHarness(llmEnv());
    fx.tools.script = scriptModel({ classifyFails: false });
    const { ids, codes } = await seedPetitions(h);
    await classified(h, ids, 'llm');
    const classifyRequests = fx.tools.requests.filter((r) => kindOf(r) === 'classify');
    expect(classifyRequests.length).toBeGreaterThan(0);
    // A known ward still goes with its petition; the typed one never does.
    const classifyText = classifyRequests.map(userText).join('\n');
    expect(classifyText).toContain(`ward="${KNOWN_WARD}"`);
    expect(classifyText).toContain('[tên]');

    expect(await groupPetitions(h.app.db, h.app.config)).toMatchObject({ method: 'llm', created: 1 });
    const grouping = fx.tools.requests.filter((r) => kindOf(r) === 'group');
    expect(grouping).toHaveLength(1);
    expect(JSON.parse(userText(grouping[0]!))).toHaveLength(2);

    const result = await askAsStaff(h);
    expect(result.petitions.map((p) => p.trackingCode).sort()).toEqual(codes);
    expectNothingPersonalSent(fx.tools.requests);
  });

  it('redacts offline summaries, raw excerpts and old stored summaries in tool results', async () => {
    h = await startHarness(llmEnv());
    fx.tools.script = scriptModel({ classifyFails: true });
    // One petition kept the raw first sentence as its summary (as stored before summaries were
    // redacted); one was never classified, so the listing falls back to an excerpt of its text.
    const { ids, codes } = await seedPetitions(h, [{ summary: TEXT.split('. ')[0]! }, { summary: null }]);
    await classified(h, ids.slice(0, 2), 'rules');
    expect(fx.tools.requests.filter((r) => kindOf(r) === 'classify').length).toBeGreaterThan(0);

    const result = await askAsStaff(h);
    expect(result.petitions.map((p) => p.trackingCode).sort()).toEqual(codes);
    const summaries = result.petitions.map((p) => p.summary).join('\n');
    expect(summaries).toContain('[số điện thoại]');
    expect(summaries).toContain('[tên]');
    expectNothingPersonalSent(fx.tools.requests);
  });
});

describe('ward filters name only known wards', () => {
  it('answers "not found" with no total for a phone number typed as a ward, to staff and deputies', async () => {
    h = await startHarness({ WARDS: 'Phường Nghĩa Tân' });
    const db = h.app.db;
    const start = new Date().toISOString();
    const meeting = await saveMeeting(db, {
      code: 'CG',
      title: 'Cầu Giấy',
      start,
      place: 'UBND',
      ward: KNOWN_WARD,
      deputies: 'Lê Văn Cường',
    });
    const voter = await db.voter.create({
      data: { channel: 'telegram', channelUserId: 'v-phone', chatId: 'v-phone', ward: '0912345678', consent: 'agreed' },
    });
    // Petitions stored before intake kept only known wards carry the voter's answer.
    for (let i = 0; i < 3; i++) {
      await db.petition.create({
        data: {
          trackingCode: `KN-2026-00010${i}`,
          channel: 'telegram',
          voterId: voter.id,
          ward: '0912345678',
          text: 'Đường hỏng',
          textNormalized: 'Đường hỏng',
          meetingId: i === 0 ? meeting.id : null,
        },
      });
    }
    const staff = newUserId();
    const deputy = newUserId();
    await h.grant(staff, 'staff');
    // A deputy counts the meetings they attend.
    const attending = await db.deputy.findFirstOrThrow({ where: { meetings: { some: { meetingId: meeting.id } } } });
    await h.grant(deputy, 'deputy', attending.id);
    for (const user of [staff, deputy]) {
      for (const typed of ['0912345678', '345678', '0912 345 678']) {
        const [reply] = await h.text(user, `/thongke phuong=${typed}`);
        expect(reply).toContain('Không tìm thấy');
        expect(reply).not.toContain('Tổng số');
      }
    }
    const [known] = await h.text(staff, '/thongke phuong=cau giay');
    expect(known).toContain('Tổng số: 1');
    const [partial] = await h.text(deputy, '/thongke phuong=Giấy');
    expect(partial).toContain('Tổng số: 1');
    const [setting] = await h.text(staff, '/thongke xa=nghia tan');
    expect(setting).toContain('Tổng số: 0');
    expect(setting).not.toContain('Không tìm thấy');
  });
});

describe('the gateway bounds every model call', () => {
  let fake: FakeOpenAI | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function gatewayFor(timeoutSeconds: string) {
    fake = await startFakeOpenAI();
    return createModelGateway(
      parseConfig({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseURL, OPENAI_TIMEOUT_SECONDS: timeoutSeconds }),
    );
  }

  async function failureOf(call: Promise<unknown>): Promise<LlmFailure> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LlmFailure);
    return error as LlmFailure;
  }

  const ask = (feature: ModelFeature) => ({
    feature,
    messages: [{ role: 'user' as const, content: 'Bà Lê Thị Thu Trang hỏi 0912 345 678' }],
  });

  it('waits a short Retry-After and tries again, redacting the retried request too', async () => {
    const gateway = await gatewayFor('10');
    const limited = { kind: 'status' as const, status: 429, headers: { 'retry-after-ms': '200' } };
    fake!.respond((_items, _request, index) => (index === 0 ? limited : { kind: 'answer', content: 'được' }));
    expect((await gateway.chat(ask('assistant'))).content).toBe('được');
    expect(fake!.requests).toHaveLength(2);
    for (const request of fake!.requests) expect(request.body).not.toMatch(/Thu Trang|0912/);
  });

  it('fails fast on a Retry-After longer than 60 s, keeping it for the caller', async () => {
    const gateway = await gatewayFor('120');
    fake!.respond(() => ({ kind: 'status', status: 429, headers: { 'retry-after': '90' } }));
    const started = Date.now();
    const failure = await failureOf(gateway.chat(ask('group')));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failure).toMatchObject({ kind: 'rate_limit', status: 429 });
    expect(failure.retryAfterMs).toBeGreaterThan(80_000);
    expect(fake!.requests).toHaveLength(1);
  });

  it('bounds the whole call, retries included, by OPENAI_TIMEOUT_SECONDS', async () => {
    const gateway = await gatewayFor('1');
    // Each answer is a 503 after 400 ms: two retries would take 1.2 s and more with backoff.
    fake!.respond(async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return { kind: 'status', status: 503 };
    });
    const started = Date.now();
    const failure = await failureOf(gateway.chat(ask('group')));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(['server', 'timeout']).toContain(failure.kind);
    expect(fake!.requests.length).toBeLessThanOrEqual(2);
  });

  it('never retries a classification call (its durable job does) nor a 4xx', async () => {
    const gateway = await gatewayFor('10');
    fake!.respond(() => ({ kind: 'status', status: 500 }));
    expect(await failureOf(gateway.chat(ask('classify')))).toMatchObject({ kind: 'server', status: 500 });
    expect(fake!.requests).toHaveLength(1);
    fake!.respond(() => ({ kind: 'status', status: 400 }));
    expect(await failureOf(gateway.chat(ask('assistant')))).toMatchObject({ kind: 'server', status: 400 });
    expect(fake!.requests).toHaveLength(2);
  });
});
