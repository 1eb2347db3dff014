// /metrics in the Prometheus text format behind METRICS_TOKEN, with database gauges read at
// scrape time, and /readyz answering 503 until every migration is applied.
import { expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { newUserId, textMessage } from '../fakes/telegram.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';

const TOKEN = 'scrape-token-123';
const fx = useFakes({ telegram: true });

async function scrape(target: App, token = TOKEN): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${target.port}/metrics`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { status: response.status, text: await response.text() };
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((row) => row.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

it('serves counters and database gauges to a scraper holding the token', async () => {
  const app = await fx.start({ METRICS_TOKEN: TOKEN });
  expect((await fetch(`http://127.0.0.1:${app.port}/metrics`)).status).toBe(401);
  expect((await scrape(app, 'wrong')).status).toBe(401);

  const before = await scrape(app);
  expect(before.status).toBe(200);
  expect(before.text).toContain('process_cpu_seconds_total');
  const petitionsBefore = sample(before.text, 'kiennghi_petitions_total{channel="telegram"}') ?? 0;

  const user = newUserId();
  await app.db.voter.create({
    data: { channel: 'telegram', channelUserId: String(user), chatId: String(user), consent: 'anonymous' },
  });
  fx.telegram.push(textMessage(user, 'Đề nghị sửa đường ngõ 7 bị ngập.'));
  await waitUntil(async () => (await app.db.petition.count()) === 1);
  // A job that is due but waits, and a reply no sender can deliver.
  await app.db.job.create({ data: { type: 'test.waiting', payload: '{}', runAt: new Date(Date.now() - 600_000) } });
  await app.db.outboxMessage.create({ data: { channel: 'zalo', chatId: 'z1', payload: '{"text":"x"}' } });

  const after = await waitUntil(async () => {
    const { text } = await scrape(app);
    return (sample(text, 'kiennghi_petitions_total{channel="telegram"}') ?? 0) > petitionsBefore && text;
  });
  expect(sample(after, 'kiennghi_updates_total{channel="telegram",outcome="handled"}')).toBeGreaterThanOrEqual(1);
  expect(sample(after, 'kiennghi_jobs_pending{type="test.waiting"}')).toBe(1);
  expect(sample(after, 'kiennghi_job_lag_seconds{type="test.waiting"}')).toBeGreaterThanOrEqual(600);
  expect(sample(after, 'kiennghi_outbox_pending{channel="zalo"}')).toBe(1);
  expect(sample(after, 'kiennghi_backup_last_success_timestamp_seconds')).toBe(0);
  expect(after).toContain('# TYPE kiennghi_llm_latency_seconds histogram');
});

it('is ready only when the database answers and every migration is applied', async () => {
  const app = await fx.start({}, { withFakes: false });
  const ready = await fetch(`http://127.0.0.1:${app.port}/readyz`);
  expect(ready.status).toBe(200);
  // Without a token set, /metrics is open.
  expect((await fetch(`http://127.0.0.1:${app.port}/metrics`)).status).toBe(200);

  await app.db.$executeRawUnsafe(
    'DELETE FROM _prisma_migrations WHERE migration_name = (SELECT MAX(migration_name) FROM _prisma_migrations)',
  );
  expect((await fetch(`http://127.0.0.1:${app.port}/readyz`)).status).toBe(503);
  expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).toBe(200);
});
