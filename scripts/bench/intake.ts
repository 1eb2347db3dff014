// Intake load posted to the webhook of a bot child process: new voters opening the bot with a
// meeting code (`/start <code>`), either as a burst (a fixed number in flight) or arriving at a
// steady rate; and voters who each open the bot, choose to stay anonymous and send one
// petition, each voter's three updates in order (as Telegram delivers one chat's).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connectDb, type Db } from '../../src/db/client.ts';
import { saveMeeting } from '../../src/meetings/service.ts';
import { callback, textMessage } from '../../test/fakes/telegram.ts';
import { fixtureTexts } from './seed.ts';
import { percentile } from './timing.ts';

export const WEBHOOK_SECRET = 'bench_webhook_secret';
export const MEETING_CODES = Array.from({ length: 10 }, (_, i) => `BENCH${String(i + 1).padStart(2, '0')}`);

export interface BotChild {
  child: ChildProcess;
  port: number;
  exited: Promise<number | null>;
  /** What the process wrote to standard error so far. */
  logs(): string;
}

export interface LoadOptions {
  voters: number;
  concurrency: number;
  /** First Telegram user id; runs against one database must not reuse ids. */
  firstUser: number;
  firstUpdate: number;
}

export interface LoadResult {
  voters: number;
  updates: number;
  failed: number;
  seconds: number;
  updatesPerSecond: number;
  p50: number;
  p99: number;
}

/** A load of new voters' `/start <code>`: when each voter's update was posted (ms since epoch), by chat id. */
export interface StartLoad extends LoadResult {
  postedAt: Map<string, number>;
}

export interface IntakeResult extends LoadResult {
  bot: 'kiennghi' | 'minimal grammY';
  database: 'SQLite' | 'PostgreSQL';
  /** CPU time of the bot process per update (user + system), ms. */
  cpuMsPerUpdate: number;
  /** VmHWM of the bot process at the end of the run, MiB. */
  peakRssMiB: number;
  /** VmRSS after the warm-up, before the burst, MiB. */
  rssAfterWarmupMiB: number;
  petitionsStored: number;
  /** kiennghi only: seconds after the last acknowledgement until every reply was sent and every petition classified. */
  drainSeconds?: number;
  repliesSent?: number;
  classified?: number;
}

/** The meetings voters open the bot with (the same for both bots, which ignore them differently). */
export async function seedMeetings(db: Db): Promise<void> {
  const start = new Date(Date.now() + 86_400_000).toISOString();
  for (const code of MEETING_CODES) {
    await saveMeeting(db, {
      code,
      title: `Tiếp xúc cử tri ${code}`,
      start,
      place: 'Nhà văn hóa tổ dân phố 5',
      ward: 'Phường Cầu Giấy',
      deputies: 'Nguyễn Văn An; Trần Thị Bình',
    });
  }
}

async function post(port: number, update: object): Promise<{ ok: boolean; ms: number }> {
  const t0 = performance.now();
  try {
    const response = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': WEBHOOK_SECRET },
      body: JSON.stringify(update),
    });
    await response.arrayBuffer();
    return { ok: response.status === 200, ms: performance.now() - t0 };
  } catch {
    return { ok: false, ms: performance.now() - t0 };
  }
}

function startUpdate(user: number, i: number) {
  return textMessage(user, `/start ${MEETING_CODES[i % MEETING_CODES.length]}`);
}

function summarize(times: number[], failed: number, voters: number, seconds: number): LoadResult {
  times.sort((a, b) => a - b);
  return {
    voters,
    updates: times.length,
    failed,
    seconds,
    updatesPerSecond: times.length / seconds,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
  };
}

/** New voters, each sending `/start <code>` once, `options.concurrency` of them in flight. */
export async function runStartBurst(port: number, options: LoadOptions): Promise<StartLoad> {
  const times: number[] = [];
  const postedAt = new Map<string, number>();
  let failed = 0;
  let next = 0;
  async function worker(): Promise<void> {
    while (next < options.voters) {
      const i = next++;
      const user = options.firstUser + i;
      postedAt.set(String(user), Date.now());
      const result = await post(port, { update_id: options.firstUpdate + i, ...startUpdate(user, i) });
      times.push(result.ms);
      if (!result.ok) failed++;
    }
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.voters) }, worker));
  return { ...summarize(times, failed, options.voters, (performance.now() - t0) / 1000), postedAt };
}

/** New voters arriving at `perSecond` for `seconds` (open loop: one leaves on time whatever the others wait). */
export async function runStartArrivals(
  port: number,
  options: { perSecond: number; seconds: number; firstUser: number; firstUpdate: number },
): Promise<StartLoad> {
  const times: number[] = [];
  const postedAt = new Map<string, number>();
  const voters = Math.round(options.perSecond * options.seconds);
  let failed = 0;
  const posts: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < voters; i++) {
    const due = t0 + (i * 1000) / options.perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const user = options.firstUser + i;
    postedAt.set(String(user), Date.now());
    posts.push(
      post(port, { update_id: options.firstUpdate + i, ...startUpdate(user, i) }).then((result) => {
        times.push(result.ms);
        if (!result.ok) failed++;
      }),
    );
  }
  await Promise.all(posts);
  return { ...summarize(times, failed, voters, (performance.now() - t0) / 1000), postedAt };
}

/** Every voter's flow: /start <code> -> consent:anonymous -> the petition. */
export async function runLoad(port: number, options: LoadOptions): Promise<LoadResult> {
  const texts = fixtureTexts();
  const times: number[] = [];
  let failed = 0;
  let updateId = options.firstUpdate;
  let next = 0;
  async function voter(i: number): Promise<void> {
    const user = options.firstUser + i;
    const flow = [
      startUpdate(user, i),
      callback(user, 'consent:anonymous'),
      textMessage(user, `${texts[i % texts.length]} (cử tri ${i})`),
    ];
    for (const update of flow) {
      const result = await post(port, { update_id: updateId++, ...update });
      times.push(result.ms);
      if (!result.ok) failed++;
    }
  }
  async function worker(): Promise<void> {
    while (next < options.voters) await voter(next++);
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.voters) }, worker));
  return summarize(times, failed, options.voters, (performance.now() - t0) / 1000);
}

/** user + system CPU of a process so far, ms (clock ticks are 1/100 s on Linux). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function statusField(pid: number, field: string): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Peak resident set size of a process so far (VmHWM), MiB. */
export function peakRssMiB(pid: number): number {
  return statusField(pid, 'VmHWM');
}

/** Resident set size now (VmRSS), MiB. */
export function rssMiB(pid: number): number {
  return statusField(pid, 'VmRSS');
}

/**
 * `kiennghi start` as a child process, from the dist/ the bench built when it began (`entry`),
 * so that sources edited meanwhile do not change what is measured; without one, bin/kiennghi.js.
 */
export async function startKiennghi(env: Record<string, string>, entry?: string): Promise<BotChild> {
  // The node options `npm start` gives the bot (heap settings), then BENCH_NODE_OPTIONS (e.g.
  // "--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the bot).
  const nodeOptions = [...startNodeOptions(), ...(process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean)];
  const bot = await startBot(entry, env, nodeOptions);
  // The HTTP server listens before grammY's bot.init() has fetched getMe; updates in that
  // window are answered 503 (retried by Telegram). The load starts once the channel is ready.
  const ready = await waitFor(async () => bot.logs().includes('telegram channel ready'), 60_000);
  if (!ready) throw new Error(`kiennghi: the Telegram channel did not become ready:\n${bot.logs()}`);
  return { child: bot.child, port: bot.port, exited: bot.exited, logs: bot.logs };
}

/** The node options of package.json's `start` script: `node <options> bin/kiennghi.js start`. */
export function startNodeOptions(): string[] {
  const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  const options = /^node\s+(.*?)\s*bin\/kiennghi\.js start$/.exec(scripts.start ?? '')?.[1] ?? '';
  return options.split(/\s+/).filter(Boolean);
}

/** Runs `entry` (dist/cli/main.js), or else bin/kiennghi.js, as `kiennghi start`; resolves once it listens. */
async function startBot(
  entry: string | undefined,
  env: Record<string, string>,
  nodeOptions: string[],
): Promise<BotChild> {
  const code = `const { run } = await import(${JSON.stringify(entry)}); await run([process.argv[0], 'kiennghi', 'start']);`;
  const script = entry ? ['--input-type=module', '-e', code] : ['bin/kiennghi.js', 'start'];
  const child = spawn(process.execPath, [...nodeOptions, ...script], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', PORT: '0', LOCAL_CHAT: 'off', DEMO_SEED: 'off', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return listening(child, /"port":(\d+)[^\n]*"msg":"kiennghi started"/, 'kiennghi');
}

/** Resolves with the port once the child's standard error shows `started` (its first group). */
function listening(child: ChildProcess, started: RegExp, name: string): Promise<BotChild> {
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise<BotChild>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${stderr}`)), 120_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = started.exec(stderr);
      if (found) {
        clearTimeout(timer);
        resolve({ child, port: Number(found[1]), exited, logs: () => stderr });
      }
    });
    void exited.then(() => reject(new Error(`${name} exited: ${stderr}`)));
  });
}

export async function startMinimalBot(env: Record<string, string>): Promise<BotChild> {
  const nodeOptions = (process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', 'scripts/bench/minimal-bot.ts'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return listening(child, /"port":(\d+),"msg":"minimal bot started"/, 'minimal bot');
}

/** Fails with the end of the bot's log when it is no longer running. */
export function assertRunning(bot: BotChild, name: string): void {
  if (bot.child.exitCode !== null || bot.child.signalCode !== null) {
    throw new Error(
      `${name} exited (${bot.child.exitCode ?? bot.child.signalCode}) during the run:\n${bot.logs().slice(-3000)}`,
    );
  }
}

export async function stopChild(bot: BotChild): Promise<void> {
  if (bot.child.exitCode !== null || bot.child.signalCode !== null) return;
  bot.child.kill('SIGTERM');
  const timer = setTimeout(() => bot.child.kill('SIGKILL'), 15_000);
  await bot.exited;
  clearTimeout(timer);
}

export async function waitFor(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

export { connectDb };
