// The command line's start-up: `node bin/kiennghi.js --help` and `meeting list` on the demo
// database, each from a fresh process (what `npx kiennghi …` runs, without npx's own start),
// wall time from the spawn to the exit. dist/ is built first; whether each run found it
// fresh (bin/kiennghi.js otherwise runs the sources through tsx) is recorded with it.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connectDb } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { seedDemoData } from '../../src/meetings/demo.ts';

export interface CliTiming {
  command: string;
  /** Wall time per run, ms, in run order. */
  runs: number[];
  median: number;
  /** CPU time (user + system) of the median run's process, ms. */
  cpuMs: number;
  /** Runs that started from dist/ (the others ran the sources through tsx: someone edited src/ meanwhile). */
  fromDist: number;
}

/** Builds dist/ (`npm run build`); false when the build failed (the command then runs the sources). */
export function buildDist(): boolean {
  try {
    execFileSync(process.execPath, ['scripts/build.js'], { stdio: ['ignore', 'ignore', 'inherit'] });
    return true;
  } catch {
    return false;
  }
}

function changedSince(dir: string, since: number): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (statSync(path).mtimeMs > since) return true;
    if (entry.isDirectory() && changedSince(path, since)) return true;
  }
  return false;
}

/** What bin/kiennghi.js decides: dist/ is at least as new as everything under src/. */
export function distFresh(): boolean {
  try {
    const { startedAt } = JSON.parse(readFileSync('dist/build.json', 'utf8')) as { startedAt: number };
    return !changedSince('src', startedAt);
  } catch {
    return false;
  }
}

/** A migrated database with the demo data (what `kiennghi start` seeds on a first run without channels). */
export async function demoDatabase(url: string): Promise<void> {
  await migrateDatabase(url);
  const db = await connectDb(url);
  try {
    await seedDemoData(db, new Date(), 'Asia/Ho_Chi_Minh');
  } finally {
    await db.$disconnect();
  }
}

/** bash's `times`: the children's user and system CPU, e.g. "0m0.412s 0m0.064s" on its second line. */
function childrenCpuMs(times: string): number {
  const line = times.trim().split('\n').at(-1) ?? '';
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60_000 + Number(m[2]) * 1000);
  return parts.length === 2 ? parts[0]! + parts[1]! : Number.NaN;
}

function timeOnce(args: string[], databaseUrl: string): { ms: number; cpuMs: number; fromDist: boolean } {
  const fromDist = distFresh();
  const t0 = performance.now();
  // bash's `times` reports the command's CPU; bash itself adds about 2 ms to the wall time.
  const result = spawnSync(
    'bash',
    ['-c', 'node bin/kiennghi.js "$@" > /dev/null || exit 1; times', 'kiennghi', ...args],
    {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    },
  );
  const ms = performance.now() - t0;
  if (result.status !== 0) throw new Error(`kiennghi ${args.join(' ')} failed: ${result.stderr}`);
  return { ms, cpuMs: childrenCpuMs(result.stdout), fromDist };
}

/** Times each command `rounds` times, interleaved (noise from other work on the machine falls on both alike). */
export function timeCli(databaseUrl: string, rounds: number): CliTiming[] {
  const commands = [['--help'], ['meeting', 'list']];
  const samples = commands.map(() => [] as { ms: number; cpuMs: number; fromDist: boolean }[]);
  // One untimed run each: the first start after a build reads every file from disk.
  for (const args of commands) timeOnce(args, databaseUrl);
  for (let round = 0; round < rounds; round++) {
    for (const [i, args] of commands.entries()) samples[i]!.push(timeOnce(args, databaseUrl));
  }
  return commands.map((args, i) => {
    const runs = samples[i]!;
    const median = [...runs].sort((a, b) => a.ms - b.ms)[Math.floor((runs.length - 1) / 2)]!;
    return {
      command: `node bin/kiennghi.js ${args.join(' ')}`,
      runs: runs.map((run) => run.ms),
      median: median.ms,
      cpuMs: median.cpuMs,
      fromDist: runs.filter((run) => run.fromDist).length,
    };
  });
}
