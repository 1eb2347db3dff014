// Fault suite for durable jobs: two instances on one database run each job once, an LLM
// outage (errors, rate limits, nonsense) ends with every petition classified, and a job
// type stuck on a hanging model holds up no other type.
import { afterEach, expect, it } from 'vitest';
import { enqueueClassification } from '../../src/classify/index.ts';
import type { Db } from '../../src/db/client.ts';
import { transaction } from '../../src/db/sql.ts';
import type { App } from '../../src/main.ts';
import { QUESTION_JOB } from '../../src/stats/feature.ts';
import { answerWith, petitionsIn, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.ts';
import { callback, textMessage } from '../fakes/telegram.ts';
import { freshDatabaseUrl, startTestApp, waitUntil } from '../helpers/app.ts';
import { newUserId, startHarness, type Harness } from '../staff/support.ts';

let apps: App[] = [];
let llm: FakeOpenAI | undefined;
let harness: Harness | undefined;

afterEach(async () => {
  // The model goes first: a request still hanging on it then fails at once instead of holding the stop.
  await llm?.close();
  llm = undefined;
  await Promise.all(apps.map((app) => app.stop()));
  apps = [];
  await harness?.stop();
  harness = undefined;
});

async function storePetitions(db: Db, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(
      await transaction(db, async (tx) => {
        const petition = await tx.petition.create({
          data: {
            trackingCode: `KN-2026-${String(500_000 + i).padStart(6, '0')}`,
            channel: 'telegram',
            text: `Đề nghị sửa chữa tuyến đường liên thôn số ${i} bị xuống cấp`,
            textNormalized: `Đề nghị sửa chữa tuyến đường liên thôn số ${i} bị xuống cấp`,
          },
        });
        await enqueueClassification(tx, petition.id);
        return petition.id;
      }),
    );
  }
  return ids;
}

function llmEnv(fake: FakeOpenAI) {
  return {
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_MODEL: 'fake-model',
    CLASSIFY_BATCH_SIZE: '5',
  };
}

it('runs each job once when two instances share the database', { timeout: 120_000 }, async () => {
  llm = await startFakeOpenAI(answerWith(() => ({ authority: 'commune', field: 'traffic_infrastructure' })));
  const databaseUrl = freshDatabaseUrl();
  apps.push(await startTestApp(llmEnv(llm), databaseUrl));
  apps.push(await startTestApp(llmEnv(llm), databaseUrl));
  const ids = await storePetitions(apps[0]!.db, 60);
  for (const app of apps) app.queue.kick();

  await waitUntil(
    async () => (await apps[0]!.db.job.count({ where: { type: 'classify', status: { not: 'done' } } })) === 0,
    100_000,
  );
  const perPetition = await apps[0]!.db.classification.groupBy({ by: ['petitionId'], _count: { _all: true } });
  expect(perPetition).toHaveLength(ids.length);
  expect(perPetition.every((row) => row._count._all === 1)).toBe(true);
  // Batch-local ids are reused across requests: the petition text identifies what was sent.
  const sentToLlm = llm.requests.flatMap((request) => petitionsIn(request).map((p) => p.text));
  expect(sentToLlm).toHaveLength(ids.length);
  expect(new Set(sentToLlm).size).toBe(ids.length);
});

it('classifies every petition by the LLM once it recovers from an outage', { timeout: 120_000 }, async () => {
  const good = answerWith(() => ({ authority: 'commune', field: 'traffic_infrastructure' }));
  let outage = true;
  llm = await startFakeOpenAI((petitions, request, index) => {
    if (!outage) return good(petitions, request, index);
    const failures = [
      { kind: 'status' as const, status: 500, body: { error: { message: 'boom' } } },
      {
        kind: 'status' as const,
        status: 429,
        headers: { 'retry-after': '1' },
        body: { error: { message: 'slow down' } },
      },
      { kind: 'answer' as const, content: 'Tôi không hiểu câu hỏi này.' },
    ];
    return failures[index % failures.length]!;
  });
  apps.push(await startTestApp(llmEnv(llm)));
  const db = apps[0]!.db;
  const ids = await storePetitions(db, 12);
  apps[0]!.queue.kick();

  // During the outage the offline classifier answers at once: nothing waits unclassified.
  await waitUntil(async () => (await db.petition.count({ where: { status: 'classified' } })) === ids.length, 30_000);
  expect(await db.classification.count({ where: { classifier: 'llm' } })).toBe(0);
  outage = false;

  await waitUntil(async () => {
    const byLlm = await db.classification.findMany({ where: { classifier: 'llm' }, distinct: ['petitionId'] });
    return byLlm.length === ids.length;
  }, 100_000);
  const latest = await db.petition.findMany({ where: { id: { in: ids } } });
  expect(latest.every((p) => p.authority === 'commune' && p.field === 'traffic_infrastructure')).toBe(true);
  expect(await db.petition.count()).toBe(ids.length);
});

it('takes over the job of a crashed instance once its lease has expired', async () => {
  apps.push(await startTestApp({}));
  const db = apps[0]!.db;
  const [id] = await storePetitions(db, 1);
  // As a process that died mid-job leaves it: running, locked by a worker that is gone.
  await db.job.updateMany({
    where: { type: 'classify' },
    data: { status: 'running', lockedBy: 'dead-worker', lockedUntil: new Date(Date.now() - 1000) },
  });
  apps[0]!.queue.kick();
  const job = await waitUntil(() => db.job.findFirst({ where: { type: 'classify', status: 'done' } }));
  expect(job.lockedBy).not.toBe('dead-worker');
  expect((await db.petition.findUniqueOrThrow({ where: { id } })).status).toBe('classified');
});

it("classifies a voter's petitions by the LLM while a staff question hangs on it", { timeout: 60_000 }, async () => {
  const classify = answerWith(() => ({ authority: 'commune', field: 'traffic_infrastructure' }));
  // The assistant's requests carry tools and never get an answer; classification requests do.
  llm = await startFakeOpenAI((petitions, request, index) =>
    request.json.tools ? { kind: 'hang', ms: 600_000 } : classify(petitions, request, index),
  );
  harness = await startHarness({ ...llmEnv(llm), OPENAI_TIMEOUT_SECONDS: '300' });
  const db = harness.app.db;
  const staff = newUserId();
  await harness.grant(staff, 'staff');
  const [thinking] = await harness.text(staff, 'Tuần này có bao nhiêu kiến nghị về giao thông?');
  expect(thinking).toContain('Đang tra cứu');
  await waitUntil(() => Promise.resolve(llm!.requests.some((request) => request.json.tools)));

  const voter = newUserId();
  const texts = [
    'Đề nghị sửa chữa tuyến đường liên thôn bị xuống cấp nghiêm trọng',
    'Đề nghị lắp đèn chiếu sáng cho ngõ trong khu dân cư',
    'Đề nghị nạo vét rãnh thoát nước trước nhà văn hóa thôn',
  ];
  harness.telegram.push(textMessage(voter, texts[0]!));
  await waitUntil(async () => (await db.conversation.count({ where: { state: 'intake.consent' } })) > 0);
  harness.telegram.push(callback(voter, 'consent:anonymous'));
  await waitUntil(async () => (await db.petition.count()) === 1);
  for (const text of texts.slice(1)) harness.telegram.push(textMessage(voter, text));

  await waitUntil(async () => {
    const byLlm = await db.classification.findMany({ where: { classifier: 'llm' }, distinct: ['petitionId'] });
    return byLlm.length === texts.length;
  }, 20_000);
  const question = await db.job.findFirstOrThrow({ where: { type: QUESTION_JOB } });
  expect(question.status).toBe('running');
  expect(await db.petition.count({ where: { status: 'classified', authority: 'commune' } })).toBe(texts.length);
});
