// One gateway against every OpenAI-compatible server the README configures: each fake below
// behaves as that server's documentation says (test/fakes/openai.ts SERVERS), and each
// feature keeps working on the fallback the gateway learns from the server's 400.
import { afterEach, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/classifier.ts';
import { parseConfig } from '../../src/config/index.ts';
import type { Db } from '../../src/db/client.ts';
import { groupingChunks } from '../../src/digests/grouping.ts';
import { createModelGateway } from '../../src/llm/gateway.ts';
import { usageSince } from '../../src/llm/usage.ts';
import { createLogger } from '../../src/log.ts';
import { answerQuestion } from '../../src/stats/assistant.ts';
import { llmConfig } from '../classify/helpers.ts';
import {
  answerWith,
  SERVERS,
  startFakeOpenAI,
  textOf,
  type FakeOpenAI,
  type ServerBehaviour,
} from '../fakes/openai.ts';
import { FakeOpenAITools } from '../fakes/openai-tools.ts';
import { freshDatabaseUrl, openDb, waitUntil } from '../helpers/app.ts';

const log = createLogger('silent');
let fake: FakeOpenAI | undefined;
let tools: FakeOpenAITools | undefined;
let db: Db | undefined;

afterEach(async () => {
  await fake?.close();
  await tools?.stop();
  await db?.$disconnect();
  fake = tools = db = undefined;
});

const label = answerWith(() => ({ authority: 'city', field: 'other' }));

async function serverLike(behaviour: ServerBehaviour) {
  fake = await startFakeOpenAI(label, behaviour);
  return fake;
}

function petitions(count: number, chars = 80) {
  return Array.from({ length: count }, (_, i) => ({
    id: `p${i}`,
    text: `Đường ngõ ${i} ngập nước sau mưa, đề nghị nạo vét cống. `.repeat(Math.ceil(chars / 50)).slice(0, chars),
  }));
}

describe('capabilities are learnt from the server, not assumed', () => {
  it('drops temperature for a model that refuses it (OpenAI reasoning models), once for the process', async () => {
    const server = await serverLike(SERVERS.openaiReasoning);
    const classifier = createClassifier(llmConfig(server.baseURL, { OPENAI_TEMPERATURE: '0' }), log);
    const first = await classifier.classify(petitions(1));
    expect(first.get('p0')).toMatchObject({ classifier: 'llm', field: 'other' });
    expect(server.requests.map((r) => r.json.temperature)).toEqual([0, undefined]);
    await classifier.classify([{ id: 'q', text: 'Xin lắp thêm đèn chiếu sáng ở ngõ 12 đường Láng' }]);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]!.json.temperature).toBeUndefined();
  });

  it('sends no temperature when OPENAI_TEMPERATURE is empty', async () => {
    const server = await serverLike(SERVERS.openai);
    await createClassifier(llmConfig(server.baseURL), log).classify(petitions(1));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.json).not.toHaveProperty('temperature');
  });

  it('falls back from json_schema to json_object (older vLLM and llama.cpp builds)', async () => {
    const server = await serverLike(SERVERS.oldLlamaCpp);
    const results = await createClassifier(llmConfig(server.baseURL), log).classify(petitions(2));
    expect([...results.values()].every((r) => r.classifier === 'llm')).toBe(true);
    expect(server.requests.map((r) => r.json.response_format?.type)).toEqual(['json_schema', 'json_object']);
    const hint = server.requests[1]!.json.messages!.map((m) => textOf(m.content)).join('\n');
    expect(hint).toMatch(/JSON/);
  });

  it('falls back to plain text with JSON extraction when no response_format is taken', async () => {
    const server = await serverLike(SERVERS.noResponseFormat);
    server.respond((items, request, index) => {
      const answer = label(items, request, index) as { kind: 'answer'; content: string };
      return { kind: 'answer', content: `Đây là kết quả:\n\`\`\`json\n${answer.content}\n\`\`\`` };
    });
    const results = await createClassifier(llmConfig(server.baseURL), log).classify(petitions(2));
    expect([...results.values()].every((r) => r.classifier === 'llm')).toBe(true);
    expect(server.requests.map((r) => r.json.response_format?.type)).toEqual(['json_schema', 'json_object', undefined]);
  });

  it('asks a server without tool calling (vLLM without its flags) for a JSON plan, and answers', async () => {
    tools = await new FakeOpenAITools().start();
    tools.rejectTools = SERVERS.vllmWithoutToolParser.rejects.tools;
    tools.script = (request) => {
      // Without tool calling the result comes back as a user turn.
      const total = /"total":(\d+)/.exec(request.messages.at(-1)!.content ?? '');
      if (!total) return { content: '{"tool": "count_petitions", "arguments": {"period": "this_week"}}' };
      return { content: JSON.stringify({ answer: `Tuần này có ${total[1]} kiến nghị.` }) };
    };
    db = await openDb(freshDatabaseUrl());
    const config = parseConfig({
      OPENAI_API_KEY: tools.apiKey,
      OPENAI_BASE_URL: tools.baseURL,
      LOG_LEVEL: 'silent',
    });
    const answer = await answerQuestion(
      { db, config, log },
      { text: 'Tuần này có bao nhiêu kiến nghị?', role: 'staff', now: new Date() },
    );
    expect(answer).toBe('Tuần này có 0 kiến nghị.');
    expect(tools.requests[0]!.tools?.length).toBeGreaterThan(0);
    expect(tools.requests.slice(1).every((r) => r.tools === undefined)).toBe(true);
    const planPrompt = tools.requests[1]!.messages.map((m) => m.content).join('\n');
    expect(planPrompt).toContain('count_petitions');
  });

  it('suggests the commands when the model writes no readable plan (Ollama model without tools)', async () => {
    tools = await new FakeOpenAITools().start();
    tools.rejectTools = SERVERS.ollamaSmall.rejects.tools;
    tools.script = () => ({ content: 'Tôi không biết.' });
    db = await openDb(freshDatabaseUrl());
    const config = parseConfig({ OPENAI_API_KEY: tools.apiKey, OPENAI_BASE_URL: tools.baseURL, LOG_LEVEL: 'silent' });
    const answer = await answerQuestion(
      { db, config, log },
      { text: 'Tuần này có bao nhiêu kiến nghị?', role: 'staff', now: new Date() },
    );
    expect(answer).toContain('/thongke');
  });
});

describe('context window', () => {
  it('sizes classification batches to OPENAI_CONTEXT_TOKENS, so a small server cuts nothing', async () => {
    const server = await serverLike(SERVERS.ollamaSmall);
    const config = llmConfig(server.baseURL, { OPENAI_CONTEXT_TOKENS: '4096', CLASSIFY_BATCH_SIZE: '10' });
    const results = await createClassifier(config, log).classify(petitions(10, 1200));
    expect([...results.values()].every((r) => r.classifier === 'llm')).toBe(true);
    expect(server.requests.length).toBeGreaterThan(2);
    // The fake counts a token per four characters and cuts above 4096: every prompt fitted.
    for (const request of server.requests) {
      const chars = request.json.messages!.map((m) => textOf(m.content)).join('\n').length;
      expect(chars / 4).toBeLessThan(4096);
    }
  });

  it('sizes grouping chunks to the context window', () => {
    const items = Array.from({ length: 80 }, (_, id) => ({ id, text: 'x'.repeat(600), summary: null }));
    expect(groupingChunks(items, 100_000)).toHaveLength(1);
    const small = groupingChunks(items, 8192);
    expect(small.length).toBeGreaterThan(1);
    expect(small.flat()).toHaveLength(80);
  });

  it('flags an answer whose prompt the server cut, and counts it in the usage table', async () => {
    const server = await serverLike(SERVERS.ollamaSmall);
    server.respond(() => ({ kind: 'answer', content: '{"groups": []}' }));
    db = await openDb(freshDatabaseUrl());
    const gateway = createModelGateway(llmConfig(server.baseURL), { db });
    const answer = await gateway.chat({
      feature: 'group',
      messages: [{ role: 'user', content: 'Ngõ ngập nước. '.repeat(3000) }],
    });
    expect(answer.truncated).toBe(true);
    const short = await gateway.chat({ feature: 'group', messages: [{ role: 'user', content: 'Ngõ ngập nước.' }] });
    expect(short.truncated).toBe(false);
    expect(await usageSince(db, '2000-01-01')).toEqual([
      expect.objectContaining({ feature: 'group', model: 'fake-model', requests: 2, truncated: 1 }),
    ]);
  });
});

describe('retry-after and shared slots', () => {
  it('does not wait out a Retry-After of an hour: the rules answer now, and the retry is set for then', async () => {
    const server = await serverLike(SERVERS.openai);
    server.respond(() => ({ kind: 'status', status: 429, headers: { 'retry-after': '3600' } }));
    const started = Date.now();
    const outcome = await createClassifier(llmConfig(server.baseURL), log).classifyDetailed(petitions(1));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(outcome.results.get('p0')!.classifier).toBe('rules');
    expect(outcome.retryAfterMs).toBeGreaterThanOrEqual(3_590_000);
  });

  it('keeps a slot for classification while the assistant waits on a slow model', async () => {
    const server = await serverLike(SERVERS.openai);
    server.respond((_items, request) =>
      textOf(request.json.messages![0]!.content) === 'slow'
        ? { kind: 'hang', ms: 1_500 }
        : { kind: 'answer', content: '{}' },
    );
    const gateway = createModelGateway(llmConfig(server.baseURL, { OPENAI_MAX_CONCURRENCY: '2' }));
    const slow = () => gateway.chat({ feature: 'assistant', messages: [{ role: 'user', content: 'slow' }] });
    const waiting = [slow(), slow(), slow()];
    await waitUntil(async () => server.requests.length === 1);
    const classify = await gateway.chat({ feature: 'classify', messages: [{ role: 'user', content: 'fast' }] });
    expect(classify.content).toBe('{}');
    // The assistant holds one slot of two; its other calls wait rather than take classification's.
    expect(server.requests.map((r) => textOf(r.json.messages![0]!.content))).toEqual(['slow', 'fast']);
    await Promise.all(waiting);
    expect(server.requests).toHaveLength(4);
  });
});
