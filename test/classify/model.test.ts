import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { agencyFor } from '../../src/classify/agencies.ts';
import { runCrossValidation, runTrainCommand, type CommandIo } from '../../src/classify/cli.ts';
import { classifyOffline } from '../../src/classify/learned.ts';
import { evaluate } from '../../src/classify/evaluate.ts';
import { loadModel, MODEL_FORMAT, type TrainedModel } from '../../src/classify/model.ts';
import { loadTaxonomy } from '../../src/classify/taxonomy.ts';
import { trainOn } from '../../src/classify/training.ts';
import { readJsonl } from './helpers.ts';

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
    expect(model.format).toBe(MODEL_FORMAT);
    expect(model.trainedOn.level).toBe(33);
    expect(Object.keys(model.level.weights)).toContain('f:tram_y');
  });

  it('keeps only features found in at least two texts, and still scores a level no text has', () => {
    const taxonomy = loadTaxonomy('legacy');
    const lines = [
      { text: 'Đề nghị nâng cấp kè Bến Mộc', authority: 'central', field: 'agriculture' },
      { text: 'Kè Bến Mộc xuống cấp', authority: 'central', field: 'agriculture' },
      { text: 'Đề nghị làm đường thôn Chiềng', authority: 'commune', field: 'traffic_infrastructure' },
      { text: 'Đề nghị sửa đường thôn Nà Khương', authority: 'commune', field: 'traffic_infrastructure' },
    ];
    const model = trainOn(lines, taxonomy);
    const features = Object.keys(model.level.weights);
    expect(features).toEqual(expect.arrayContaining(['f:ben_moc', 'f:duong_thon']));
    expect(features).not.toContain('f:chieng');
    expect(features).not.toContain('f:khuong');
    // No text is labelled city or district: those levels keep a bias and finite weights.
    expect(model.level.classes).toEqual(taxonomy.levelIds);
    expect(model.level.bias.every(Number.isFinite)).toBe(true);
    const city = model.level.classes.indexOf('city');
    const central = model.level.classes.indexOf('central');
    expect(model.level.bias[city]!).toBeLessThan(model.level.bias[central]!);
    const result = classifyOffline('Kè Bến Mộc sạt lở', taxonomy, undefined, model);
    expect(taxonomy.levelIds).toContain(result.authority);
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(0.95);
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

  it('lets the model choose between fields whose keywords score alike', () => {
    // "trạm y tế" (health) and "nhà văn hóa" (culture) weigh the same: the keywords cannot decide.
    const lines = [
      { text: 'Xây trạm y tế và nhà văn hóa thôn Đồng Tâm', authority: 'commune', field: 'culture_sport' },
      { text: 'Sửa trạm y tế và nhà văn hóa thôn Đồng Tâm', authority: 'commune', field: 'culture_sport' },
      { text: 'Đề nghị làm đường thôn Đồng Tâm', authority: 'commune', field: 'traffic_infrastructure' },
    ];
    const model: TrainedModel = trainOn(lines, taxonomy);
    const both = 'Cấp kinh phí cho trạm y tế và nhà văn hóa thôn Đồng Tâm';
    expect(classifyOffline(both, taxonomy, undefined, null).field).toBe('health');
    const result = classifyOffline(both, taxonomy, undefined, model);
    expect(result.field).toBe('culture_sport');
    expect(result.reason).not.toMatch(/từ khóa của quy tắc/);
    // One field clearly ahead by its keywords stays the keywords' choice.
    expect(classifyOffline('Đề nghị nâng cấp trạm y tế thôn Đồng Tâm', taxonomy, undefined, model).field).toBe(
      'health',
    );
  });

  it('uses the committed model by default and the rules alone when there is none', () => {
    const text = 'Cử tri đề nghị nâng cấp tuyến đường liên xã bị xuống cấp';
    expect(loadModel('current')).not.toBeNull();
    expect(classifyOffline(text, taxonomy).reason).toMatch(/^Mô hình: /);
    const rulesOnly = classifyOffline(text, taxonomy, undefined, null);
    expect(rulesOnly.reason).toMatch(/^Quy tắc: /);
    expect(rulesOnly.classifier).toBe('rules');
    expect(loadModel('current', new URL(`file://${tempDir()}/`))).toBeNull();
  });

  it('takes the competent body from the agency table, under its name after the 2025 mergers', () => {
    expect(agencyFor('city', 'health')).toBe('Sở Y tế');
    expect(agencyFor('central', 'land')).toBe('Bộ Nông nghiệp và Môi trường');
    const result = classifyOffline('Đề nghị Bộ Giao thông vận tải nâng cấp quốc lộ 1A đoạn qua tỉnh', taxonomy);
    expect(result.authority).toBe('central');
    expect(result.agency).toBe('Bộ Xây dựng');
  });
});

describe('offline classifier (rules + committed model) on the self-written sets', () => {
  // Regression guards, not accuracy figures: these sets were written here and the rules were
  // tuned on them (the rules alone score higher on them, and lower on real petitions). The
  // floors sit a little under what the combined classifier scored with the committed models
  // (dev legacy 0.890 / 0.971 / 0.812, dev current 0.984 / 1.000 / 0.891, held-out 1 0.897 /
  // 0.984 / 0.873, held-out 2 0.980 / 0.980 / 0.776). Accuracy is measured by `eval --cv`.
  function measure(file: string, name: 'legacy' | 'current') {
    const taxonomy = loadTaxonomy(name);
    const lines = readJsonl<{ text: string; authority: string; field: string }>(file);
    return evaluate(
      lines,
      lines.map((line) => classifyOffline(line.text, taxonomy)),
      taxonomy.levelIds,
    );
  }

  it.each([
    ['../fixtures/classify-dev-legacy.jsonl', 'legacy', 0.86, 0.95, 0.78],
    ['../fixtures/classify-dev-current.jsonl', 'current', 0.95, 0.97, 0.85],
    ['../fixtures/classify-heldout-legacy.jsonl', 'legacy', 0.87, 0.96, 0.84],
    ['../fixtures/classify-heldout2-legacy.jsonl', 'legacy', 0.94, 0.95, 0.74],
  ] as const)('%s (%s)', (file, name, level, side, field) => {
    const report = measure(file, name);
    expect(report.n).toBeGreaterThan(40);
    expect(report.accuracy).toBeGreaterThanOrEqual(level);
    expect(report.central_vs_local_accuracy).toBeGreaterThanOrEqual(side);
    expect(report.field_accuracy).toBeGreaterThanOrEqual(field);
  });
});
