import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/classifier.ts';
import { exportLabelled, recordCorrection } from '../../src/classify/corrections.ts';
import { CLASSIFY_JOB, enqueueClassification, registerClassificationJobs } from '../../src/classify/jobs.ts';
import { connectDb, type Db } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { JobQueue } from '../../src/jobs/queue.ts';
import { createLogger } from '../../src/log.ts';
import { answerWith, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.ts';
import { llmConfig, testConfig } from './helpers.ts';
import { transaction } from '../../src/db/sql.ts';

const log = createLogger('silent');
let dir: string;
let db: Db;
let fake: FakeOpenAI;
let counter = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiennghi-classify-'));
  const url = `file:${join(dir, 'test.db')}`;
  await migrateDatabase(url);
  db = await connectDb(url);
  fake = await startFakeOpenAI();
}, 60_000);

afterAll(async () => {
  await fake?.close();
  await db?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  fake.requests.length = 0;
  fake.respond(
    answerWith(() => ({ authority: 'commune', field: 'traffic_infrastructure', agency: 'UBND phường Láng' })),
  );
  await db.job.deleteMany();
});

/** Stores a petition the way intake does: petition and job in one transaction. */
async function storePetition(text: string, voterName = 'Nguyễn Văn Bình'): Promise<number> {
  counter++;
  return transaction(db, async (tx) => {
    const voter = await tx.voter.create({
      data: {
        channel: 'local',
        channelUserId: `u${counter}`,
        chatId: `c${counter}`,
        name: voterName,
        ward: 'phường Láng',
        consent: 'agreed',
      },
    });
    const petition = await tx.petition.create({
      data: {
        trackingCode: `KN-2026-${String(counter).padStart(6, '0')}`,
        voterId: voter.id,
        channel: 'local',
        text,
        textNormalized: text,
      },
    });
    await enqueueClassification(tx, petition.id);
    return petition.id;
  });
}

function makeQueue(config = llmConfig(fake.baseURL), timeoutMs?: number) {
  const queue = new JobQueue(db, log, 10);
  const classifier = createClassifier(config, log, { timeoutMs });
  registerClassificationJobs(queue, db, config, log, { classifier });
  return queue;
}

async function makeJobsDue(): Promise<void> {
  await db.job.updateMany({ where: { status: 'pending' }, data: { runAt: new Date(Date.now() - 1000) } });
}

async function latest(petitionId: number) {
  return db.classification.findFirst({ where: { petitionId }, orderBy: { id: 'desc' } });
}

describe('classify jobs', () => {
  it('stores a good LLM answer, copies it onto the petition and records the status change', async () => {
    const id = await storePetition('Đề nghị phường lắp đèn chiếu sáng trong ngõ 75 Giải Phóng, tối quá.');
    await makeQueue().drain();
    const petition = await db.petition.findUniqueOrThrow({
      where: { id },
      include: { events: true, classifications: true },
    });
    expect(petition).toMatchObject({
      status: 'classified',
      authority: 'commune',
      field: 'traffic_infrastructure',
      agency: 'UBND phường Láng',
      needsReview: false,
    });
    expect(petition.summary).toBeTruthy();
    expect(petition.classifications).toHaveLength(1);
    expect(petition.classifications[0]).toMatchObject({
      classifier: 'llm',
      taxonomy: 'legacy',
      model: 'fake-model',
      promptVersion: 'classify.v2',
    });
    expect(petition.classifications[0]!.tokensIn).toBeGreaterThan(0);
    expect(petition.events).toEqual([
      expect.objectContaining({ fromStatus: 'received', toStatus: 'classified', actor: 'classifier' }),
    ]);
    expect(await db.job.findFirst({ where: { type: CLASSIFY_JOB } })).toMatchObject({ status: 'done' });
    // The voter's name never left the process.
    expect(fake.requests.map((r) => r.body).join('')).not.toContain('Nguyễn Văn Bình');
  });

  it('batches petitions: fewer requests than petitions', async () => {
    const texts = [
      'ngõ 1 Láng mất đèn',
      'cống ở chợ Kim Liên tắc',
      'rác tồn đọng ở phố Hào Nam',
      'vỉa hè Tây Sơn bị lấn chiếm',
      'karaoke ồn ở Thái Hà',
      'đường Chùa Bộc ngập',
      'hố ga Xã Đàn vỡ',
    ];
    const ids = [];
    for (const text of texts) ids.push(await storePetition(`Đề nghị xử lý: ${text}.`));
    await makeQueue(llmConfig(fake.baseURL, { CLASSIFY_BATCH_SIZE: '5' })).drain();
    expect(fake.requests.length).toBe(2);
    for (const id of ids) expect((await latest(id))!.classifier).toBe('llm');
  });

  it('on a malformed answer stores the offline result now and retries the LLM later', async () => {
    fake.respond(() => ({ kind: 'answer', content: '{"results": "không biết"}' }));
    const id = await storePetition('Đề nghị Chính phủ tăng lương hưu cho người nghỉ hưu trước năm 1995.');
    const queue = makeQueue();
    await queue.drain();
    expect((await latest(id))!).toMatchObject({ classifier: 'rules', authority: 'central' });
    expect(await db.petition.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'classified',
      authority: 'central',
    });
    const job = await db.job.findFirstOrThrow({ where: { type: CLASSIFY_JOB } });
    expect(job.status).toBe('pending');
    expect(job.runAt.getTime()).toBeGreaterThan(Date.now());

    fake.respond(answerWith(() => ({ authority: 'central', field: 'social_insurance_labour' })));
    await makeJobsDue();
    await queue.drain();
    const history = await db.classification.findMany({ where: { petitionId: id }, orderBy: { id: 'asc' } });
    expect(history.map((c) => c.classifier)).toEqual(['rules', 'llm']);
    expect(await db.job.findFirstOrThrow({ where: { type: CLASSIFY_JOB } })).toMatchObject({ status: 'done' });
    const events = await db.petitionEvent.findMany({ where: { petitionId: id } });
    expect(events).toHaveLength(1);
  });

  it('on a 500 keeps the petition classified offline and the job pending', async () => {
    fake.respond(() => ({ kind: 'status', status: 500 }));
    const id = await storePetition('Đề nghị UBND huyện nâng cấp đường liên xã đã xuống cấp.');
    await makeQueue().drain();
    expect((await latest(id))!).toMatchObject({ classifier: 'rules', authority: 'district' });
    expect(await db.job.findFirstOrThrow({ where: { type: CLASSIFY_JOB } })).toMatchObject({
      status: 'pending',
      attempts: 1,
    });
  });

  it('honours a 429 retry-after', async () => {
    fake.respond(() => ({ kind: 'status', status: 429, headers: { 'retry-after': '900' } }));
    const id = await storePetition('Đề nghị Thành phố sớm xây dựng tuyến đường Vành đai 4.');
    const before = Date.now();
    await makeQueue().drain();
    expect((await latest(id))!).toMatchObject({ classifier: 'rules', authority: 'city' });
    const job = await db.job.findFirstOrThrow({ where: { type: CLASSIFY_JOB } });
    expect(job.status).toBe('pending');
    expect(job.runAt.getTime() - before).toBeGreaterThanOrEqual(900_000);
  });

  it('on a timeout does not lose the petition', async () => {
    fake.respond(() => ({ kind: 'hang', ms: 3000 }));
    const id = await storePetition('Đề nghị xã sửa nhà văn hóa thôn Đoài bị dột.');
    await makeQueue(llmConfig(fake.baseURL), 200).drain();
    expect((await latest(id))!).toMatchObject({ classifier: 'rules', authority: 'commune' });
    expect(await db.petition.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'classified' });
    expect(await db.job.findFirstOrThrow({ where: { type: CLASSIFY_JOB } })).toMatchObject({ status: 'pending' });
  });

  it('marks low confidence and LLM/rules disagreement for review', async () => {
    fake.respond(
      answerWith((p) =>
        p.text.includes('lương hưu')
          ? { authority: 'commune', field: 'other', confidence: 0.95 }
          : { authority: 'commune', field: 'other', confidence: 0.3 },
      ),
    );
    const disagree = await storePetition('Đề nghị Quốc hội sửa đổi quy định về lương hưu.');
    const unsure = await storePetition('Đề nghị xã sửa đường ngõ xóm 3.');
    await makeQueue().drain();
    expect((await db.petition.findUniqueOrThrow({ where: { id: disagree } })).needsReview).toBe(true);
    expect((await db.petition.findUniqueOrThrow({ where: { id: unsure } })).needsReview).toBe(true);
  });

  it('reuses an identical text already classified in the database', async () => {
    const text = 'Đề nghị phường nạo vét cống thoát nước phố Hào Nam.';
    await storePetition(text);
    await makeQueue().drain();
    const requests = fake.requests.length;
    const second = await storePetition(text, 'Trần Thị Cúc');
    await makeQueue().drain();
    expect(fake.requests.length).toBe(requests);
    expect((await latest(second))!).toMatchObject({ classifier: 'llm', tokensIn: 0 });
  });

  it('classifies offline without an API key, and leaves later statuses alone', async () => {
    const id = await storePetition('Đề nghị Bộ Y tế bổ sung thuốc vào danh mục bảo hiểm y tế.');
    await db.petition.update({ where: { id }, data: { status: 'forwarded' } });
    await makeQueue(testConfig()).drain();
    expect(fake.requests).toHaveLength(0);
    const petition = await db.petition.findUniqueOrThrow({ where: { id } });
    expect(petition).toMatchObject({ status: 'forwarded', authority: 'central', agency: 'Bộ Y tế' });
    expect(await db.petitionEvent.count({ where: { petitionId: id } })).toBe(0);
    expect((await latest(id))!.classifier).toBe('rules');
    expect(await db.job.findFirstOrThrow({ where: { type: CLASSIFY_JOB } })).toMatchObject({ status: 'done' });
  });

  it('records staff corrections as history and exports them as labelled data', async () => {
    const id = await storePetition('Tôi là Lê Văn Tám, đề nghị sửa cống ngõ 8 gọi 0987654321.', 'Lê Văn Tám');
    await makeQueue(testConfig()).drain();
    await recordCorrection(
      db,
      id,
      { authority: 'district', field: 'traffic_infrastructure', agency: 'UBND quận Đống Đa' },
      'staff:42',
    );
    const petition = await db.petition.findUniqueOrThrow({ where: { id } });
    expect(petition).toMatchObject({ authority: 'district', agency: 'UBND quận Đống Đa', needsReview: false });
    expect((await latest(id))!).toMatchObject({ classifier: 'staff', createdBy: 'staff:42', taxonomy: 'legacy' });
    await expect(recordCorrection(db, id, { authority: 'galaxy', field: 'land' }, 'staff:42')).rejects.toThrow(
      /Cấp không hợp lệ/,
    );

    // A later job must not overwrite what staff decided.
    await enqueueClassification(db, id);
    await makeQueue().drain();
    expect((await latest(id))!.classifier).toBe('staff');

    const lines = (await exportLabelled(db)).map((line) => JSON.parse(line));
    const mine = lines.find((line) => line.text.includes('sửa cống'));
    expect(mine).toEqual({
      text: 'Tôi là [tên], đề nghị sửa cống ngõ 8 gọi [số điện thoại].',
      authority: 'district',
      field: 'traffic_infrastructure',
    });
  });
  it('stores the redacted text as the summary when no model wrote it, offline and after an LLM failure', async () => {
    const text =
      'Trần Văn Hùng, CCCD 001085012345, điện thoại 0912 345 678, đề nghị sửa đường ngõ 5 bị ngập. Xin cảm ơn.';
    const offline = await storePetition(text, 'Trần Văn Hùng');
    await makeQueue(testConfig()).drain();
    fake.respond(() => ({ kind: 'status', status: 500, body: { error: { message: 'down' } } }));
    const failed = await storePetition(text, 'Trần Văn Hùng');
    await makeQueue().runDue();
    for (const id of [offline, failed]) {
      const petition = await db.petition.findUniqueOrThrow({ where: { id } });
      expect((await latest(id))!.classifier).toBe('rules');
      expect(petition.summary).toContain('đề nghị sửa đường');
      for (const personal of ['Trần Văn Hùng', 'Hùng', '001085012345', '0912 345 678']) {
        expect(petition.summary).not.toContain(personal);
        expect((await latest(id))!.summary).not.toContain(personal);
      }
    }
  });

  it('marks a text that is not a petition, offline or by the LLM, and a later LLM answer may count it back in', async () => {
    const emoji = await storePetition('😀😀👍');
    await makeQueue(testConfig()).drain();
    expect(await db.petition.findUniqueOrThrow({ where: { id: emoji } })).toMatchObject({
      status: 'not_petition',
      needsReview: true,
    });
    expect((await latest(emoji))!).toMatchObject({ classifier: 'rules', isPetition: false });

    fake.respond(answerWith(() => ({ authority: 'commune', field: 'other', is_petition: false })));
    const llmSaysNo = await storePetition('Hôm nay trời đẹp, chúc các đại biểu mạnh khỏe và thành công');
    await makeQueue().drain();
    expect(await db.petition.findUniqueOrThrow({ where: { id: llmSaysNo } })).toMatchObject({
      status: 'not_petition',
      needsReview: true,
    });

    fake.respond(answerWith(() => ({ authority: 'commune', field: 'traffic_infrastructure', is_petition: true })));
    await enqueueClassification(db, emoji);
    await makeQueue().drain();
    const back = await db.petition.findUniqueOrThrow({
      where: { id: emoji },
      include: { events: { orderBy: { id: 'asc' } } },
    });
    expect(back.status).toBe('classified');
    expect(back.events.map((e) => [e.fromStatus, e.toStatus])).toEqual([
      ['received', 'not_petition'],
      ['not_petition', 'classified'],
    ]);
  });
});
