// The benchmark's figures: the targets with their verdicts, a terminal summary,
// docs/benchmarks.md, and the one-line JSON of the headline figures.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { ClassifyCost, ClassifyRate } from './classify.ts';
import type { CliTiming } from './cli.ts';
import type { BurstDelivery, FirstReply, FloodCheck } from './delivery.ts';
import { startNodeOptions, type LoadResult } from './intake.ts';
import type { TableResult } from './petitions-table.ts';
import type { StatsResult } from './stats.ts';
import { ms } from './timing.ts';

export type Kind = 'SQLite' | 'PostgreSQL';

export const TARGETS = {
  intakeRatio: 1.2,
  deliveryPerSecond: 28,
  perWindow: 30,
  firstReplyP95Ms: 1000,
  cliMs: 600,
  statsPostgresMs: 100,
  statsSqliteMs: 150,
  peakRssMb: 250,
};

export interface StatsRun {
  database: Kind;
  petitions: number;
  indexes: 'schema' | 'schema + proposed';
  loadSeconds: number;
  results: StatsResult[];
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  load: string;
}

type Measured = LoadResult & { cpuMs: number; benchCpuMs: number };

/** One bot's round on a fresh database: the burst of new voters, then the three-step flow. */
export interface BotRound {
  bot: 'kiennghi' | 'bare grammY';
  database: Kind;
  round: number;
  start: Measured;
  flow: Measured;
  /** VmRSS after the warm-up, MiB. */
  rssBeforeMiB: number;
  /** VmHWM at the end of the round, MiB. */
  peakRssMiB: number;
  petitions: number;
}

export interface DeliveryRound {
  database: Kind;
  round: number;
  burst: BurstDelivery;
  firstReply: FirstReply;
  flood?: FloodCheck;
  /** The most send calls the fake Telegram received within one second, over the whole round. */
  busiestSecond: number;
  /** Sends the fake refused for going over the platform's cap (429). */
  refused: number;
}

export interface Report {
  date: Date;
  machine: Machine;
  postgres?: string;
  quick: boolean;
  rounds: number;
  voters: number;
  startConcurrency: number;
  flowConcurrency: number;
  arrivals: { perSecond: number; seconds: number };
  platformCap: number;
  bots: BotRound[];
  delivery: DeliveryRound[];
  cli: CliTiming[];
  stats: StatsRun[];
  table: { database: Kind; petitions: number; results: TableResult[] }[];
  rates: ClassifyRate[];
  cost: ClassifyCost[];
  extraIndexes: { schema: string; sql: string }[];
  seconds: number;
}

export function machineInfo(): Machine {
  const model =
    /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return {
    cpus: cpus().length,
    cpuModel: model.trim(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const n = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const count = (value: number) => value.toLocaleString('en-US');
const MB_PER_MIB = 2 ** 20 / 1e6;

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

interface IntakeRatio {
  database: Kind;
  round: number;
  /** kiennghi's seconds to acknowledge both bursts over the bare bot's. */
  ratio: number;
  startRatio: number;
  flowRatio: number;
  /** kiennghi's CPU over the bare bot's, both bursts. */
  cpuRatio: number;
  failed: number;
}

export function intakeRatios(report: Report): IntakeRatio[] {
  const ratios: IntakeRatio[] = [];
  for (const ours of report.bots.filter((r) => r.bot === 'kiennghi')) {
    const base = report.bots.find(
      (r) => r.bot !== 'kiennghi' && r.database === ours.database && r.round === ours.round,
    );
    if (!base) continue;
    ratios.push({
      database: ours.database,
      round: ours.round,
      ratio: (ours.start.seconds + ours.flow.seconds) / (base.start.seconds + base.flow.seconds),
      startRatio: ours.start.seconds / base.start.seconds,
      flowRatio: ours.flow.seconds / base.flow.seconds,
      cpuRatio: (ours.start.cpuMs + ours.flow.cpuMs) / (base.start.cpuMs + base.flow.cpuMs),
      failed: ours.start.failed + ours.flow.failed,
    });
  }
  return ratios;
}

function medianRatio(report: Report, database: Kind): number {
  return median(
    intakeRatios(report)
      .filter((r) => r.database === database)
      .map((r) => r.ratio),
  );
}

function deliveryMedians(report: Report, database: Kind) {
  const rounds = report.delivery.filter((r) => r.database === database);
  return {
    rounds: rounds.length,
    votersPerSecond: median(rounds.map((r) => r.burst.votersPerSecond)),
    messagesPerSecond: median(rounds.map((r) => r.burst.messagesPerSecond)),
    lastVoterWaitSeconds: median(rounds.map((r) => r.burst.lastVoterWaitSeconds)),
    firstReplyP95: median(rounds.map((r) => r.firstReply.p95)),
    busiestSecond: Math.max(...rounds.map((r) => r.busiestSecond)),
    refused: rounds.reduce((sum, r) => sum + r.refused, 0),
  };
}

/** The statistics target is judged at the largest size measured, with the schema's indexes. */
function statsWorst(report: Report, database: Kind): { run: StatsRun; worst: StatsResult } | undefined {
  const runs = report.stats.filter((r) => r.database === database && r.indexes === 'schema');
  const largest = Math.max(0, ...runs.map((r) => r.petitions));
  const run = runs.find((r) => r.petitions === largest);
  if (!run) return undefined;
  return { run, worst: run.results.reduce((a, b) => (b.p95 > a.p95 ? b : a)) };
}

function peakRssMb(report: Report): number {
  return Math.max(...report.bots.filter((r) => r.bot === 'kiennghi').map((r) => r.peakRssMiB)) * MB_PER_MIB;
}

const round = (value: number, digits: number) =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : value === Infinity ? 'Infinity' : null;

/** The headline figures, one JSON line at the end of the run (null: not measured in this run). */
export function headline(report: Report): Record<string, number | string | null> {
  const kinds = [...new Set(report.delivery.map((r) => r.database))];
  const deliveries = kinds.map((kind) => deliveryMedians(report, kind));
  const pick = (values: number[], worst: (...v: number[]) => number) => (values.length ? worst(...values) : Number.NaN);
  return {
    intake_ratio_sqlite: round(medianRatio(report, 'SQLite'), 2),
    intake_ratio_postgres: round(medianRatio(report, 'PostgreSQL'), 2),
    delivery_per_s: round(
      pick(
        deliveries.map((d) => d.votersPerSecond),
        Math.min,
      ),
      1,
    ),
    max_per_1s_window: round(
      pick(
        deliveries.map((d) => d.busiestSecond),
        Math.max,
      ),
      0,
    ),
    first_reply_p95_ms: round(
      pick(
        deliveries.map((d) => d.firstReplyP95),
        Math.max,
      ),
      0,
    ),
    cli_start_ms: round(
      pick(
        report.cli.map((c) => c.median),
        Math.max,
      ),
      0,
    ),
    stats_worst_p95_ms_postgres: round(statsWorst(report, 'PostgreSQL')?.worst.p95 ?? Number.NaN, 0),
    peak_rss_mb: round(report.bots.some((r) => r.bot === 'kiennghi') ? peakRssMb(report) : Number.NaN, 0),
  };
}

const verdict = (pass: boolean, measured: boolean) => (!measured ? 'not measured' : pass ? '**pass**' : '**FAIL**');

function targetsTable(report: Report): string {
  const rows: string[][] = [];
  const ratios = intakeRatios(report);
  for (const database of ['SQLite', 'PostgreSQL'] as const) {
    const mine = ratios.filter((r) => r.database === database);
    if (!mine.length) continue;
    const value = medianRatio(report, database);
    const cpu = median(mine.map((r) => r.cpuRatio));
    rows.push([
      `Intake on ${database}: ≤ ${TARGETS.intakeRatio}× the bare grammY bot (median of ${mine.length} rounds)`,
      `${n(value, 2)}× (rounds: ${mine.map((r) => n(r.ratio, 2)).join(', ')}; CPU of the bot process ${n(cpu, 2)}×)`,
      verdict(value <= TARGETS.intakeRatio && mine.every((r) => r.failed === 0), true),
    ]);
  }
  for (const database of ['SQLite', 'PostgreSQL'] as const) {
    const d = deliveryMedians(report, database);
    if (!d.rounds) continue;
    rows.push(
      [
        `Replies on ${database}: ≥ ${TARGETS.deliveryPerSecond} voters/s reached while a burst waits`,
        `${n(d.votersPerSecond, 1)} voters/s, ${n(d.messagesPerSecond, 1)} messages/s; last voter's first reply after ${n(d.lastVoterWaitSeconds, 1)} s (${count(report.voters)} ÷ ${report.platformCap} = ${n(report.voters / report.platformCap, 1)} s)`,
        verdict(d.votersPerSecond >= TARGETS.deliveryPerSecond, true),
      ],
      [
        `Replies on ${database}: never more than ${TARGETS.perWindow} messages in one second`,
        `busiest second ${d.busiestSecond}; ${d.refused} sends refused by the platform's cap`,
        verdict(d.busiestSecond <= TARGETS.perWindow, true),
      ],
      [
        `First reply on ${database}: p95 ≤ ${TARGETS.firstReplyP95Ms} ms at ${report.arrivals.perSecond} new voters/s`,
        `${n(d.firstReplyP95)} ms (median of ${d.rounds} rounds)`,
        verdict(d.firstReplyP95 <= TARGETS.firstReplyP95Ms, true),
      ],
    );
  }
  const floods = report.delivery.filter((r) => r.flood);
  if (floods.length) {
    rows.push([
      'A 429 answered with `retry_after` is honoured',
      floods
        .map(
          (r) =>
            `${r.database}: ${r.flood!.sentDuringWait} sends within the ${r.flood!.retryAfterSeconds} s wait, refused message ${r.flood!.refusedDelivered ? 'delivered after it' : 'NOT delivered'}`,
        )
        .join('; '),
      verdict(
        floods.every((r) => r.flood!.sentDuringWait === 0 && r.flood!.refusedDelivered),
        true,
      ),
    ]);
  }
  for (const c of report.cli) {
    rows.push([
      `Command line: \`${c.command}\` ≤ ${TARGETS.cliMs} ms`,
      `${n(c.median)} ms (median of ${c.runs.length}; its CPU ${n(c.cpuMs)} ms; ${c.fromDist} of ${c.runs.length} from dist/)`,
      verdict(c.median <= TARGETS.cliMs, true),
    ]);
  }
  for (const [database, limit] of [
    ['PostgreSQL', TARGETS.statsPostgresMs],
    ['SQLite', TARGETS.statsSqliteMs],
  ] as const) {
    const s = statsWorst(report, database);
    if (!s) continue;
    const over = s.run.results.filter((r) => r.p95 > limit).length;
    rows.push([
      `Statistics on ${database}, ${count(s.run.petitions)} petitions: every query p95 ≤ ${limit} ms`,
      `worst \`${s.worst.name}\` ${ms(s.worst.p95)} ms; ${over} of ${s.run.results.length} above`,
      s.run.petitions < 1_000_000 ? 'not measured at 1,000,000' : verdict(over === 0, true),
    ]);
  }
  if (report.bots.some((r) => r.bot === 'kiennghi')) {
    const peak = peakRssMb(report);
    rows.push([
      `Memory: peak RSS of the bot during the bursts ≤ ${TARGETS.peakRssMb} MB`,
      `${n(peak)} MB (${n(peak / MB_PER_MIB)} MiB, the largest of ${report.bots.filter((r) => r.bot === 'kiennghi').length} rounds)`,
      verdict(peak <= TARGETS.peakRssMb, true),
    ]);
  }
  return table(['target', 'measured', 'result'], rows);
}

function intakeTable(report: Report): string {
  const ratios = intakeRatios(report);
  return table(
    [
      'database',
      'round',
      'bot',
      'burst: s',
      'updates/s',
      'ack p50 / p99 ms',
      'flow: s',
      'updates/s',
      'ack p50 / p99 ms',
      'CPU ms/update',
      'bench CPU %',
      'failed',
      'RSS before / peak MiB',
      'ratio (burst, flow)',
    ],
    report.bots.map((r) => {
      const ratio = ratios.find((x) => x.database === r.database && x.round === r.round);
      const updates = r.start.updates + r.flow.updates;
      return [
        r.database,
        r.round + 1,
        r.bot,
        n(r.start.seconds, 2),
        n(r.start.updatesPerSecond),
        `${ms(r.start.p50)} / ${ms(r.start.p99)}`,
        n(r.flow.seconds, 2),
        n(r.flow.updatesPerSecond),
        `${ms(r.flow.p50)} / ${ms(r.flow.p99)}`,
        n((r.start.cpuMs + r.flow.cpuMs) / updates, 2),
        n(((r.start.benchCpuMs + r.flow.benchCpuMs) / ((r.start.seconds + r.flow.seconds) * 1000)) * 100),
        r.start.failed + r.flow.failed,
        `${n(r.rssBeforeMiB)} / ${n(r.peakRssMiB)}`,
        r.bot === 'kiennghi' && ratio
          ? `${n(ratio.ratio, 2)}× (${n(ratio.startRatio, 2)}, ${n(ratio.flowRatio, 2)})`
          : '',
      ];
    }),
  );
}

function deliveryTable(report: Report): string {
  return table(
    [
      'database',
      'round',
      'voters reached',
      'voters/s',
      'messages/s',
      'messages per voter',
      'last voter s',
      `first reply at ${report.arrivals.perSecond}/s p50 / p95 / max ms`,
      'busiest second',
      '429 from the cap',
    ],
    report.delivery.map((r) => [
      r.database,
      r.round + 1,
      `${count(r.burst.reached)} of ${count(r.burst.voters)}`,
      n(r.burst.votersPerSecond, 1),
      n(r.burst.messagesPerSecond, 1),
      n(r.burst.messagesPerVoter, 2),
      n(r.burst.lastVoterWaitSeconds, 1),
      `${n(r.firstReply.p50)} / ${n(r.firstReply.p95)} / ${n(r.firstReply.max)}${r.firstReply.reached < r.firstReply.voters ? ` (${r.firstReply.voters - r.firstReply.reached} not reached)` : ''}`,
      r.busiestSecond,
      r.refused,
    ]),
  );
}

function cliTable(report: Report): string {
  return table(
    ['command', 'median ms', 'runs ms', 'CPU of the median run ms', 'from dist/'],
    report.cli.map((c) => [
      `\`${c.command}\``,
      n(c.median),
      c.runs.map((run) => n(run)).join(', '),
      n(c.cpuMs),
      `${c.fromDist} of ${c.runs.length}`,
    ]),
  );
}

function statsTable(report: Report, database: Kind): string {
  const runs = report.stats.filter((r) => r.database === database);
  if (!runs.length) return '';
  const limit = database === 'PostgreSQL' ? TARGETS.statsPostgresMs : TARGETS.statsSqliteMs;
  const head = [
    'query',
    ...runs.map((r) => `${count(r.petitions)}${r.indexes === 'schema' ? '' : ' + idx'} p50 / p95 ms`),
  ];
  const names = runs[0]!.results.map((r) => r.name);
  const rows = names.map((name) => [
    `\`${name}\``,
    ...runs.map((run) => {
      const result = run.results.find((r) => r.name === name);
      if (!result) return '—';
      const flag = result.p95 > limit && run.petitions >= 1_000_000 ? ' ⚠' : '';
      return `${ms(result.p50)} / ${ms(result.p95)}${flag}`;
    }),
  ]);
  return table(head, rows);
}

function petitionsTable(report: Report): string {
  if (!report.table.length) return '';
  const names = report.table[0]!.results.map((r) => r.name);
  return table(
    ['query', ...report.table.map((t) => `${t.database}, ${count(t.petitions)} p50 / p95 ms`)],
    names.map((name) => [
      name,
      ...report.table.map((t) => {
        const result = t.results.find((r) => r.name === name);
        return result ? `${ms(result.p50Ms)} / ${ms(result.p95Ms)}` : '—';
      }),
    ]),
  );
}

function classifyTables(report: Report): string {
  const parts: string[] = [];
  if (report.rates.length) {
    parts.push(
      table(
        ['way', 'petitions', 'seconds', 'petitions/s', 'LLM requests'],
        report.rates.map((r) => [r.way, count(r.petitions), n(r.seconds, 2), n(r.perSecond), r.requests ?? '—']),
      ),
    );
  }
  if (report.cost.length) {
    parts.push(
      table(
        ['way (scripts/bench-classify.ts)', 'requests/100', 'tokens in/100', 'tokens out/100', 'tokens total/100'],
        report.cost.map((c) => [c.way, c.requests, count(c.tokensIn), count(c.tokensOut), count(c.tokensTotal)]),
      ),
    );
  }
  return parts.join('\n\n');
}

export function renderConsole(report: Report): string {
  const sections = [
    `kiennghi benchmark — ${report.date.toISOString()} — ${report.machine.cpus} CPUs (${report.machine.cpuModel}), ${report.machine.memoryGiB} GiB, Node ${report.machine.node}${report.postgres ? `, PostgreSQL ${report.postgres}` : ''}`,
    `Targets\n${targetsTable(report)}`,
    report.bots.length ? `Intake\n${intakeTable(report)}` : '',
    report.delivery.length ? `Replies\n${deliveryTable(report)}` : '',
    report.cli.length ? `Command line\n${cliTable(report)}` : '',
    ...(['SQLite', 'PostgreSQL'] as const).map((db) =>
      report.stats.some((r) => r.database === db) ? `Statistics, ${db}\n${statsTable(report, db)}` : '',
    ),
    report.table.length ? `Petitions table\n${petitionsTable(report)}` : '',
    report.rates.length || report.cost.length ? `Classification\n${classifyTables(report)}` : '',
    `Finished in ${n(report.seconds)} s.`,
  ];
  return `${sections.filter(Boolean).join('\n\n')}\n`;
}

export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const date = report.date.toISOString().replace('T', ' ').slice(0, 16);
  const loads = report.stats
    .filter((r) => r.indexes === 'schema')
    .map((r) => `${count(r.petitions)} on ${r.database}: ${n(r.loadSeconds)} s`);
  const voters = count(report.voters);
  return `# Benchmarks

Generated by \`npm run bench\` (scripts/bench.ts) on ${date} UTC${report.quick ? ' in quick mode (BENCH_QUICK=1)' : ''}; the whole run took ${n(report.seconds / 60, 1)} minutes. The run's headline figures, as its last line printed them:

\`\`\`json
${JSON.stringify(headline(report))}
\`\`\`

**Machine:** ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB memory, Node ${m.node}${report.postgres ? `, PostgreSQL ${report.postgres}` : ''}, SQLite through @prisma/adapter-libsql. Load average when the run ended: ${m.load}.

The machine is a shared 2-core virtual machine on which other engineers were running test suites at the same time, and the benchmark's own load generator and fake servers share those two cores with the bot and the database. Absolute figures (seconds, updates per second, milliseconds) move with that load; the targets are judged on what one run measures side by side (ratios against the bare bot in the same round) and on what the platform's pace fixes (voters per second, messages per second). Read the rest as orders of magnitude.

## How to run

\`\`\`sh
npm run bench                 # full run (about 20 minutes on 2 shared cores); rewrites docs/benchmarks.md
BENCH_QUICK=1 npm run bench   # 200 voters, 10 s of arrivals, 10,000 petitions; prints, writes no file
\`\`\`

The last line printed is one JSON object: \`intake_ratio_sqlite\`, \`intake_ratio_postgres\` (kiennghi's time to acknowledge the bursts over the bare bot's, median of the rounds), \`delivery_per_s\` (voters reached per second while a burst waits, the slower database), \`max_per_1s_window\` (the most send calls the fake Telegram received within one second), \`first_reply_p95_ms\` (at ${report.arrivals.perSecond} new voters a second, the slower database), \`cli_start_ms\` (the slower of \`--help\` and \`meeting list\`, median), \`stats_worst_p95_ms_postgres\` (the slowest statistics query at the largest size), \`peak_rss_mb\` (the bot's largest VmHWM, in 10⁶ bytes).

PostgreSQL: without \`BENCH_DATABASE_URL\` (an admin URL such as \`postgresql://postgres@127.0.0.1:5432/postgres\`) the bench starts its own throw-away server with \`.ci/postgres.sh\` on port \`BENCH_PG_PORT\` (default 55440), with \`fsync\` turned back on so that commits cost what they cost in production, and stops it at the end. Other settings: \`BENCH_ROUNDS\` (default 3), \`BENCH_DATABASES=sqlite,postgres\`, \`BENCH_PARTS=intake,cli,stats,classify\`, \`BENCH_VOTERS\`, \`BENCH_CONCURRENCY\` (voters in flight in the three-step flow, default 100), \`BENCH_DOC\` (output file), \`BENCH_NODE_OPTIONS\` (for the bot, e.g. \`--cpu-prof --cpu-prof-dir=/tmp/prof\`).

## Targets

${targetsTable(report)}

## Intake

Each round starts both bots on a fresh database of the kind: kiennghi as \`kiennghi start\` in webhook mode from the dist/ built when the run began, with the node options of \`npm start\` (\`${startNodeOptions().join(' ')}\`; the Zalo channel and the LLM classifier configured against their fakes), and the bare grammY bot (scripts/bench/minimal-bot.ts: \`webhookCallback\` on Hono; each text message stored as one Petition row with Prisma and answered with one line riding on the webhook's HTTP answer; no deduplication, conversation, rate limit or outbox). Each burst goes to one bot right after the other: the burst of new voters to the bare bot first in odd-numbered rounds and to kiennghi first in even ones, the flow always to the bare bot first (kiennghi's leaves minutes of replies behind). After a warm-up of ${count(Math.max(10, Math.round(report.voters / 20)))} voters (not counted), each bot gets the same two bursts:

- *burst*: ${voters} new voters each send \`/start <meeting code>\`, ${report.startConcurrency} in flight (a meeting hall scanning the poster's QR code);
- *flow*: ${voters} voters each, in order, \`/start <meeting code>\` → the \`consent:anonymous\` button → one petition (3 webhook updates), ${report.flowConcurrency} voters in flight.

*s*: seconds to acknowledge the burst (kiennghi answers an update once its turn is committed; its replies leave afterwards, at the platform's pace, while later updates arrive); *ack*: from posting an update to its HTTP answer; *CPU ms/update*: user + system CPU of the bot process over both bursts (the database server's is not included); *bench CPU %*: the bench process's own CPU over both bursts (load generator and fake servers; near 100 % of a core it would limit the rate, not the bot); *RSS before*: VmRSS after the warm-up; *peak*: VmHWM at the end of the round (kiennghi: after the delivery phases too). *ratio*: kiennghi's seconds for both bursts over the bare bot's in the same round (burst and flow apart in brackets); the target is the median over the rounds. Between kiennghi's two bursts come the delivery phases below.

${intakeTable(report)}

## Replies at the platform's pace

The fake Telegram enforces the platform's cap of ${report.platformCap} messages a second for the bot (a send over it is refused with 429 and \`retry_after\`) and timestamps every send call on arrival. In each kiennghi round:

- the *burst* above: its ${voters} voters' replies leave at the platform's pace, during the burst and after it. *voters/s*: voters reached (first reply accepted by the platform) per second, from the burst's first update to the last voter's first reply; *messages/s* over the same time; *messages per voter*: what the \`/start <code>\` step sends a new voter (greeting, meeting and privacy notice with its choices, one message); *last voter s*: from the burst's first update to the last voter's first reply (the cap alone makes it ${voters} ÷ ${report.platformCap} = ${n(report.voters / report.platformCap, 1)} s);
- *first reply*: ${report.arrivals.perSecond} new voters a second for ${report.arrivals.seconds} s (open loop), from posting each voter's update to the first reply the platform accepted;
- in the first round, a 429 with \`retry_after: 1\` injected on the next send while 60 more voters arrive: no send may reach the platform within that second (other than ones already on their way), and the refused message goes out afterwards;
- *busiest second*: the most send calls (accepted or refused) that reached the fake within any one second of the round.

${deliveryTable(report)}

## Command line

\`node bin/kiennghi.js --help\` and \`node bin/kiennghi.js meeting list\` on a database with the demo data (what \`kiennghi start\` seeds on a first run without channels, migrations applied), each in a fresh process, wall time from the spawn to the exit (what \`npx kiennghi …\` runs, without npx's own start-up of about 0.7 s); the commands alternate, after one untimed run each. dist/ is built first (\`npm run build\`); *from dist/* counts the runs that found it as new as src/ (the others ran the TypeScript sources through tsx because someone edited src/ meanwhile).

${cliTable(report)}

## Statistics

Generated data (scripts/bench/seed.ts): 200 meetings clustered before and after the two yearly sessions over the last 12 months, 30 wards, 40 deputies, one voter per 40 petitions; petitions cluster around their meeting's date (15 % without a meeting); fields, levels and statuses are skewed like real data (land and traffic first; older petitions further along their lifecycle). Up to 20,000 petitions are written with \`createMany\`; larger sets are copies of these made in SQL with dates moved by up to ±3 days. After loading: \`VACUUM ANALYZE\` (PostgreSQL) or \`ANALYZE\` (SQLite). Loading took ${loads.join(', ') || '—'}.

After one untimed pass over all the queries (a running bot is warm), each query runs once more to warm up, then repeatedly (at 1,000,000 petitions 3 to 20 times within 1.5 s, else 10 to 50 times within 1 s; once when the warm-up alone took longer than that), one at a time; p95 of a handful of runs is the maximum. \`/thongke …\` is what that command asks of the database (filter, then the summary: total and voter turns, by status, level, field and top meetings); \`/bieudo …\` the queries behind the charts (count, by field, by level, per day); the rest call src/stats/queries.ts and the assistant's \`runTool\` directly. "+ idx" columns (PostgreSQL at the largest size only): the same after creating the proposed indexes below. ⚠ marks a p95 over the target (${TARGETS.statsPostgresMs} ms on PostgreSQL, ${TARGETS.statsSqliteMs} ms on SQLite) at a million petitions.

${(['PostgreSQL', 'SQLite'] as const)
  .map((db) => (report.stats.some((r) => r.database === db) ? `### ${db}\n\n${statsTable(report, db)}` : ''))
  .filter(Boolean)
  .join('\n\n')}

### Proposed indexes

${report.extraIndexes.map((index) => `- \`${index.schema}\` on \`Petition\` (measured as \`${index.sql}\`)`).join('\n')}
${
  report.table.length
    ? `
### Petitions table

The workspace's petitions table and the API's list (src/petitions/query.ts, scripts/bench/petitions-table.ts) on the largest data set: one page and its total for each filter, text searches with and without diacritics, a later keyset page, a deputy's scoped view (3 to 20 runs within 1 s each).

${petitionsTable(report)}
`
    : ''
}
## Classification

Offline rules and the LLM path (the real classifier against the fake OpenAI-compatible server on 127.0.0.1, so LLM figures measure our side only: prompt building, redaction, parsing, not the model's latency). Costs per 100 petitions come from scripts/bench-classify.ts (tokens ≈ characters / 4).

${classifyTables(report)}
`;
}
