// The baseline of the intake benchmark: the least a webhook bot can do. grammY's
// webhookCallback on a Hono server, every text message stored as one Petition row with
// Prisma (same driver adapter and database settings as kiennghi) and answered with one line
// riding on the webhook's HTTP answer (no call of its own to the platform), nothing else: no
// deduplication, no conversation, no rate limits, no outbox. Run as a child process:
//   DATABASE_URL=... TELEGRAM_BOT_TOKEN=... TELEGRAM_API_ROOT=... TELEGRAM_WEBHOOK_SECRET=... \
//   node --import tsx scripts/bench/minimal-bot.ts
// and it prints {"port":N,"msg":"minimal bot started"} once it listens.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Bot, webhookCallback } from 'grammy';
import { Hono } from 'hono';
import { connectDb } from '../../src/db/client.ts';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const db = await connectDb(env('DATABASE_URL'));
const bot = new Bot(env('TELEGRAM_BOT_TOKEN'), {
  client: { apiRoot: env('TELEGRAM_API_ROOT'), canUseWebhookReply: (method) => method === 'sendMessage' },
});
bot.on('message:text', async (ctx) => {
  await db.petition.create({
    data: {
      trackingCode: `MIN-${randomUUID()}`,
      channel: 'telegram',
      text: ctx.message.text,
      textNormalized: ctx.message.text,
    },
  });
  await ctx.reply('Đã nhận.');
});
await bot.init();

const app = new Hono();
app.post('/telegram/webhook', webhookCallback(bot, 'hono', { secretToken: env('TELEGRAM_WEBHOOK_SECRET') }));
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, () => {
  process.stderr.write(
    `${JSON.stringify({ port: (server.address() as AddressInfo).port, msg: 'minimal bot started' })}\n`,
  );
});

process.on('SIGTERM', () => {
  server.close();
  void db.$disconnect().then(() => process.exit(0));
});
