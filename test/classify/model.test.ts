import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { agencyFor } from '../../src/classify/agencies.ts';
import { runCrossValidation, runTrainCommand, type CommandIo } from '../../src/classify/cli.ts';
import { classifyOffline } from '../../src/classify/learned.ts';
import { loadModel, type TrainedModel } from '../../src/classify/model.ts';
import { loadTaxonomy } from '../../src/classify/taxonomy.ts';
import { trainOn } from '../../src/classify/training.ts';

const FIXTURE = new URL('../fixtures/corpus-small.jsonl', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function capture(): { io: CommandIo; text: () => string } {
  let out = '';
  const output = new Writable({ write: (chunk, _enc, done) => ((out += chunk), done()) });
  const error = new Writable({ write: (_chunk, _enc, done) => done() });
  const config = { ...loadConfig(), TAXONOMY: 'legacy' as const };
  return { io: { input: Readable.from([]), output, error, config }, text: () => out };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiennghi-model-'));
  dirs.push(dir);
  return dir;
}

describe('kiennghi train', () => {
  it('writes the same model file from the same corpus, loadable as the offline model', async () => {
    const [first, second] = [tempDir(), tempDir()];
    await runTrainCommand({ taxonomy: 'current', corpus: FIXTURE, out: first }, capture().io);
    await runTrainCommand({ taxonomy: 'current', corpus: FIXTURE, out: second }, capture().io);
    const a = readFileSync(join(first, 'current.json'), 'utf8');
    expect(a).toBe(readFileSync(join(second, 'current.json'), 'utf8'));
    const model = loadModel('current', new URL(`file://${first}/`))!;
    expect(model.format).toBe('kiennghi-nb-1');
    expect(model.trainedOn.level).toBe(33);
    expect(Object.keys(model.level.weights)).toContain('f:tram_y');
  });
});

describe('kiennghi eval --cv', () => {
  it('prints cross-validated figures with a confidence interval and the petition screen', () => {
    const { io, text } = capture();
    runCrossValidation({ cv: '3', json: true, taxonomy: 'legacy', corpus: FIXTURE }, io);
    const report = JSON.parse(text());
    expect(report.folds).toBe(3);
    expect(report.n).toBe(25);
    expect(report.accuracy_ci[0]).toBeLessThanOrEqual(report.accuracy);
    expect(report.accuracy_ci[1]).toBeGreaterThanOrEqual(report.accuracy);
    expect(report.central_vs_local_accuracy).toBeGreaterThan(0);
    expect(report.field_accuracy).toBeGreaterThan(0);
    expect(Object.keys(report.per_level)).toEqual(expect.arrayContaining(['central', 'city', 'district', 'commune']));
    expect(report.is_petition.n_non_petitions).toBeGreaterThan(20);
    expect(report.is_petition.precision).toBeGreaterThan(0.8);
  });
});

describe('offline classifier with a trained model', () => {
  const taxonomy = loadTaxonomy('current');
  const text = 'Đề nghị sửa kè Bến Mộc bị sạt lở';

  it('decides by words only the model has learned, and names them', () => {
    const lines = [
      { text: 'Cử tri đề nghị nâng cấp kè Bến Mộc', authority: 'central', field: 'agriculture' },
      { text: 'Kè Bến Mộc xuống cấp nghiêm trọng', authority: 'central', field: 'agriculture' },
      { text: 'Đề nghị làm đường thôn 3', authority: 'commune', field: 'traffic_infrastructure' },
      { text: 'Đề nghị sửa trường tiểu học', authority: 'commune', field: 'education' },
    ];
    const model: TrainedModel = trainOn(lines, taxonomy);
    expect(classifyOffline(text, taxonomy, undefined, null).authority).not.toBe('central');
    const result = classifyOffline(text, taxonomy, undefined, model);
    expect(result.authority).toBe('central');
    expect(result.field).toBe('agriculture');
    expect(result.reason).toMatch(/"(kè bến|bến mộc|ke ben|ben moc)"/);
  });

  it('keeps the field a keyword names; the model chooses it only where no keyword does', () => {
    const lines = [
      { text: 'Cử tri đề nghị nâng cấp kè Bến Mộc', authority: 'central', field: 'health' },
      { text: 'Kè Bến Mộc xuống cấp nghiêm trọng', authority: 'central', field: 'health' },
      { text: 'Đề nghị làm đường thôn 3', authority: 'commune', field: 'traffic_infrastructure' },
    ];
    const model: TrainedModel = trainOn(lines, taxonomy);
    expect(classifyOffline(text, taxonomy, undefined, model).field).toBe('health');
    const road = classifyOffline('Đề nghị làm đường lên kè Bến Mộc', taxonomy, undefined, model);
    expect(road.field).toBe('traffic_infrastructure');
    expect(road.reason).toMatch(/từ khóa của quy tắc/);
  });

  it('takes the competent body from the agency table, under its name after the 2025 mergers', () => {
    expect(agencyFor('city', 'health')).toBe('Sở Y tế');
    expect(agencyFor('central', 'land')).toBe('Bộ Nông nghiệp và Môi trường');
    const result = classifyOffline('Đề nghị Bộ Giao thông vận tải nâng cấp quốc lộ 1A đoạn qua tỉnh', taxonomy);
    expect(result.authority).toBe('central');
    expect(result.agency).toBe('Bộ Xây dựng');
  });
});
