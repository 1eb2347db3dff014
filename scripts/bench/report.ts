// The benchmark's figures as a terminal summary and as docs/benchmarks.md.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { ClassifyCost, ClassifyRate } from './classify.ts';
import type { IntakeResult } from './intake.ts';
import type { StatsResult } from './stats.ts';
import { ms } from './timing.ts';

export const INTAKE_TARGET = 1.5;
export const STATS_TARGET_MS = 200;

export interface StatsRun {
  database: 'SQLite' | 'PostgreSQL';
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

export interface Report {
  date: Date;
  machine: Machine;
  postgres?: string;
  quick: boolean;
  voters: number;
  concurrency: number;
  intake: IntakeResult[];
  stats: StatsRun[];
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

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const n = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const count = (value: number) => value.toLocaleString('en-US');

interface IntakeVerdict {
  database: string;
  /** kiennghi's cost per update over the minimal bot's (wall time at the same load). */
  ratio: number;
  cpuRatio: number;
  pass: boolean;
}

export function intakeVerdicts(report: Report): IntakeVerdict[] {
  const verdicts: IntakeVerdict[] = [];
  for (const ours of report.intake.filter((r) => r.bot === 'kiennghi')) {
    const base = report.intake.find((r) => r.bot !== 'kiennghi' && r.database === ours.database);
    if (!base) continue;
    const ratio = base.updatesPerSecond / ours.updatesPerSecond;
    verdicts.push({
      database: ours.database,
      ratio,
      cpuRatio: ours.cpuMsPerUpdate / base.cpuMsPerUpdate,
      pass: ratio <= INTAKE_TARGET && ours.failed === 0,
    });
  }
  return verdicts;
}

interface StatsVerdict {
  run: StatsRun;
  worst: StatsResult;
  over: StatsResult[];
}

/** The target is judged on PostgreSQL at the largest size measured. */
export function statsVerdicts(report: Report): StatsVerdict[] {
  const largest = Math.max(0, ...report.stats.filter((r) => r.database === 'PostgreSQL').map((r) => r.petitions));
  return report.stats
    .filter((r) => r.database === 'PostgreSQL' && r.petitions === largest)
    .map((run) => {
      const worst = run.results.reduce((a, b) => (b.p95 > a.p95 ? b : a));
      return { run, worst, over: run.results.filter((r) => r.p95 > STATS_TARGET_MS) };
    });
}

function intakeTable(report: Report): string {
  return table(
    [
      'bot',
      'database',
      'updates',
      'failed',
      'updates/s',
      'ack p50 ms',
      'ack p99 ms',
      'CPU ms/update',
      'RSS before MiB',
      'peak RSS MiB',
      'rows stored',
      'drain s',
    ],
    report.intake.map((r) => [
      r.bot,
      r.database,
      count(r.updates),
      r.failed,
      n(r.updatesPerSecond),
      ms(r.p50),
      ms(r.p99),
      n(r.cpuMsPerUpdate, 2),
      n(r.rssAfterWarmupMiB),
      n(r.peakRssMiB),
      count(r.petitionsStored),
      r.drainSeconds === undefined ? '—' : Number.isFinite(r.drainSeconds) ? n(r.drainSeconds, 1) : '> 90',
    ]),
  );
}

function statsTable(report: Report, database: string): string {
  const runs = report.stats.filter((r) => r.database === database);
  if (!runs.length) return '';
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
      const flag = database === 'PostgreSQL' && result.p95 > STATS_TARGET_MS && run.petitions >= 1_000_000 ? ' ⚠' : '';
      return `${ms(result.p50)} / ${ms(result.p95)}${flag}`;
    }),
  ]);
  return table(head, rows);
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

function targetsTable(report: Report): string {
  const rows: string[][] = [];
  for (const v of intakeVerdicts(report)) {
    rows.push([
      `Intake on ${v.database}: cost per update ≤ ${INTAKE_TARGET}× the minimal grammY bot`,
      `${v.ratio.toFixed(2)}× (wall time at the same load; CPU of the bot process ${v.cpuRatio.toFixed(2)}×)`,
      v.pass ? '**pass**' : '**FAIL**',
    ]);
  }
  for (const v of statsVerdicts(report)) {
    rows.push([
      `Statistics on PostgreSQL, ${count(v.run.petitions)} petitions, ${v.run.indexes} indexes: every query p95 ≤ ${STATS_TARGET_MS} ms`,
      `worst \`${v.worst.name}\` ${ms(v.worst.p95)} ms; ${v.over.length} of ${v.run.results.length} above`,
      v.over.length === 0 && v.run.petitions >= 1_000_000
        ? '**pass**'
        : v.run.petitions < 1_000_000
          ? 'not measured at 1,000,000'
          : '**FAIL**',
    ]);
  }
  return table(['target', 'measured', 'result'], rows);
}

export function renderConsole(report: Report): string {
  const sections = [
    `kiennghi benchmark — ${report.date.toISOString()} — ${report.machine.cpus} CPUs (${report.machine.cpuModel}), ${report.machine.memoryGiB} GiB, Node ${report.machine.node}${report.postgres ? `, PostgreSQL ${report.postgres}` : ''}`,
    `Targets\n${targetsTable(report)}`,
    report.intake.length
      ? `Intake (${report.voters} voters × 3 updates, ${report.concurrency} voters in flight)\n${intakeTable(report)}`
      : '',
    ...['SQLite', 'PostgreSQL'].map((db) =>
      report.stats.some((r) => r.database === db) ? `Statistics, ${db}\n${statsTable(report, db)}` : '',
    ),
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
  return `# Benchmarks

Generated by \`npm run bench\` (scripts/bench.ts) on ${date} UTC${report.quick ? ' in quick mode (BENCH_QUICK=1)' : ''}; the whole run took ${n(report.seconds / 60, 1)} minutes.

**Machine:** ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB memory, Node ${m.node}${report.postgres ? `, PostgreSQL ${report.postgres}` : ''}, SQLite through @prisma/adapter-libsql. Load average when the run ended: ${m.load}.

The machine is a shared 2-core virtual machine on which other engineers were running test suites at the same time, and the benchmark's own load generator and fake servers share those two cores with the bot and the database. The figures are from a single run: read them as orders of magnitude and ratios, not as capacity figures for production hardware.

## How to run

\`\`\`sh
npm run bench                 # full run (12 to 25 minutes on 2 shared cores); rewrites docs/benchmarks.md
BENCH_QUICK=1 npm run bench   # 200 voters and 10,000 petitions; prints, writes no file
\`\`\`

PostgreSQL: without \`BENCH_DATABASE_URL\` (an admin URL such as \`postgresql://postgres@127.0.0.1:5432/postgres\`) the bench starts its own throw-away server with \`.ci/postgres.sh\` on port \`BENCH_PG_PORT\` (default 55440), with \`fsync\` turned back on so that commits cost what they cost in production, and stops it at the end. Other settings: \`BENCH_DATABASES=sqlite,postgres\`, \`BENCH_PARTS=intake,stats,classify\`, \`BENCH_VOTERS\`, \`BENCH_CONCURRENCY\` (voters in flight, default 100), \`BENCH_DOC\` (output file).

## Targets

${targetsTable(report)}

## Intake

${report.voters.toLocaleString('en-US')} voters, each in order: \`/start <meeting code>\` → the \`consent:anonymous\` button → one petition (3 webhook updates per voter), ${report.concurrency} voters in flight, posted to the webhook of the bot running as a child process (\`node bin/kiennghi.js start\` in webhook mode, with the Zalo channel and the LLM classifier configured against their fakes). The same updates go to a minimal grammY bot (scripts/bench/minimal-bot.ts: \`webhookCallback\` on Hono, each text message stored as one Petition row with Prisma, nothing else), whose cost is the floor. A warm-up of ${Math.max(10, Math.round(report.voters / 20))} voters runs first and is not counted.

- *updates/s*: updates acknowledged per second of the burst; *ack*: time from sending an update to its HTTP answer (kiennghi answers after the turn is committed).
- *CPU ms/update*: user + system CPU of the bot process during the burst, per update (the database server's CPU is not included).
- *RSS before*: VmRSS of the bot process after the warm-up, before the burst; *peak RSS*: its VmHWM (/proc/<pid>/status) at the end of the run (kiennghi: after the drain).
- *drain s*: kiennghi only: after the last acknowledgement, seconds until every reply was delivered to the fake Telegram and every petition classified (LLM, up to 10 per request). Replies leave at 25 messages/s (the bot stays under Telegram's cap of about 30/s for the whole bot), and each voter gets five messages, so the drain measures the platform's pace more than ours.
- *rows stored*: petitions in the database after the burst (minimal bot: one per text message, so two per voter).

${intakeTable(report)}

## Statistics

Generated data (scripts/bench/seed.ts): 200 meetings clustered before and after the two yearly sessions over the last 12 months, 30 wards, 40 deputies, one voter per 40 petitions; petitions cluster around their meeting's date (15 % without a meeting); fields, levels and statuses are skewed like real data (land and traffic first; older petitions further along their lifecycle). Up to 20,000 petitions are written with \`createMany\`; larger sets are copies of these made in SQL with dates moved by up to ±3 days. After loading: \`VACUUM ANALYZE\` (PostgreSQL) or \`ANALYZE\` (SQLite). Loading took ${loads.join(', ') || '—'}.

Each query runs once to warm up, then repeatedly (at 1,000,000 petitions 3 to 20 times within 1.5 s, else 10 to 50 times within 1 s; once when the warm-up alone took longer than that), one at a time; p95 of a handful of runs is the maximum. \`/thongke …\` is what that command asks of the database (filter, then the summary: total, by status, level, field and top meetings); \`/bieudo …\` the queries behind the charts (count, by field, by level, per day); the rest call src/stats/queries.ts and the assistant's \`runTool\` directly. "+ idx" columns (PostgreSQL at 1,000,000 only, where the target applies): the same after creating the proposed indexes below. ⚠ marks a p95 over ${STATS_TARGET_MS} ms at a million petitions on PostgreSQL.

${['PostgreSQL', 'SQLite']
  .map((db) => (report.stats.some((r) => r.database === db) ? `### ${db}\n\n${statsTable(report, db)}` : ''))
  .filter(Boolean)
  .join('\n\n')}

### Proposed indexes

${report.extraIndexes.map((index) => `- \`${index.schema}\` on \`Petition\` (measured as \`${index.sql}\`)`).join('\n')}

## Classification

Offline rules and the LLM path (the real classifier against the fake OpenAI-compatible server on 127.0.0.1, so LLM figures measure our side only: prompt building, redaction, parsing, not the model's latency). Costs per 100 petitions come from scripts/bench-classify.ts (tokens ≈ characters / 4).

${classifyTables(report)}
`;
}
