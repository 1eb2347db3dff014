import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connectDb } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { startFakeOpenAI } from '../test/fakes/openai.ts';
import { FakeTelegram } from '../test/fakes/telegram.ts';
import { runLoad, seedMeetings, startKiennghi, stopChild, WEBHOOK_SECRET } from './bench/intake.ts';
const url = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'drain-')), 'b.db')).href;
await migrateDatabase(url);
const db = await connectDb(url);
await seedMeetings(db);
const telegram = await new FakeTelegram().start();
const openai = await startFakeOpenAI();
const bot = await startKiennghi({ DATABASE_URL: url, PUBLIC_URL: 'https://x.test', TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET, OPENAI_API_KEY: 'x', OPENAI_BASE_URL: openai.baseURL });
const r = await runLoad(bot.port, { voters: 200, concurrency: 100, firstUser: 1, firstUpdate: 1 });
console.log(r);
for (let i = 0; i < 12; i++) {
  const jobs = await db.job.groupBy({ by: ['type', 'status'], _count: { _all: true } });
  const out = await db.outboxMessage.groupBy({ by: ['status'], _count: { _all: true } });
  console.log(new Date().toISOString().slice(11, 19), JSON.stringify(jobs.map((j) => [j.type, j.status, j._count._all])), JSON.stringify(out.map((o) => [o.status, o._count._all])), 'llm requests', openai.requests.length, 'sent', telegram.sent.length);
  await new Promise((r) => setTimeout(r, 5000));
}
console.log((await db.job.findMany({ where: { lastError: { not: null } }, take: 3 })).map((j) => j.lastError));
console.log(bot.logs().split('\n').filter((l) => /warn|error/.test(l)).slice(0, 5).join('\n'));
await stopChild(bot);
process.exit(0);
