import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluatePii, piiCaseSchema } from '../../src/privacy/evaluate.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CORPUS = new URL('../fixtures/pii-corpus.jsonl', import.meta.url);

function corpus() {
  return readFileSync(CORPUS, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => piiCaseSchema.parse(JSON.parse(line)));
}

// The real binary with no database and no token in its environment.
function kiennghi(args: string[]) {
  const env = {
    ...process.env,
    DATABASE_URL: '',
    TELEGRAM_BOT_TOKEN: '',
    ZALO_OA_ACCESS_TOKEN: '',
    OPENAI_API_KEY: '',
  };
  return spawnSync(process.execPath, ['bin/kiennghi.js', ...args], { cwd: ROOT, env, encoding: 'utf8' });
}

describe('personal-data corpus', () => {
  it('is large and covers every kind, with negatives', () => {
    const cases = corpus();
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const kinds = new Set(cases.flatMap((c) => c.pii.map((p) => p.kind)));
    expect([...kinds].sort()).toEqual(['account', 'dob', 'email', 'house', 'id', 'name', 'phone', 'plate']);
    expect(cases.filter((c) => c.pii.length === 0).length).toBeGreaterThanOrEqual(60);
  });

  it('meets the targets: recall >= 0.98, over-removal <= 0.02', () => {
    const report = evaluatePii(corpus());
    expect(report.recall).toBeGreaterThanOrEqual(0.98);
    expect(report.over_removal).toBeLessThanOrEqual(0.02);
    for (const { recall } of Object.values(report.per_kind)) expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('counts a stretch removed in part as missed and a removed place word as over-removal', () => {
    const report = evaluatePii([
      { text: 'Nguyễn Văn An ở phố Huế', pii: [{ text: 'An ở phố', kind: 'name' }] },
      { text: 'Gọi 0912 345 678 nhé', pii: [] },
    ]);
    expect(report).toMatchObject({ n: 2, spans: 1, removed: 0, recall: 0, words_removed: 5 });
  });
});

describe('kiennghi pii-eval', () => {
  it('prints one JSON object for the default corpus', () => {
    const result = kiennghi(['pii-eval', '--json']);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.n).toBeGreaterThanOrEqual(300);
    expect(report.recall).toBeGreaterThanOrEqual(0.98);
    expect(report.over_removal).toBeLessThanOrEqual(0.02);
    expect(report.per_kind.name.n).toBeGreaterThan(100);
  }, 60_000);

  it('reads another dataset, reports a bad line and prints a readable report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pii-eval-'));
    const file = join(dir, 'set.jsonl');
    const lines = [
      JSON.stringify({
        text: 'Bà Lê Thị Hoa, SĐT 0987 654 321, ở phường Kim Liên',
        pii: [
          { text: 'Lê Thị Hoa', kind: 'name' },
          { text: '0987 654 321', kind: 'phone' },
        ],
      }),
      'không phải JSON',
    ];
    writeFileSync(file, lines.join('\n'));
    const result = kiennghi(['pii-eval', '--dataset', file]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/recall: 1\.0000 \(2\/2/);
    expect(result.stdout).toMatch(/over_removal: 0\.0000/);
    expect(result.stderr).toMatch(/dòng 2/);
  }, 60_000);
});
