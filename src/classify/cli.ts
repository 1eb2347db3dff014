// `kiennghi classify` and `kiennghi eval`: no database needed, JSON lines in and out.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { Option, type Command } from 'commander';
import { pino } from 'pino';
import { z } from 'zod';
import { loadConfig, type Config } from '../config/index.ts';
import type { Logger } from '../log.ts';
import { createClassifier, type Classifier } from './classifier.ts';
import { evaluate, formatReport, labelledLineSchema, type LabelledLine } from './evaluate.ts';
import { modelFile, serializeModel, DEFAULT_MODEL_DIR } from './model.ts';
import { needsReview } from './review.ts';
import { corpusLines, crossValidate, nonPetitionTexts, trainOn, type CrossValidationReport } from './training.ts';
import { exportLabelled } from './corrections.ts';
import { connectDb } from '../db/client.ts';
import { loadTaxonomy } from './taxonomy.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { TaxonomyName } from './taxonomy.ts';

export interface CommandIo {
  input: Readable;
  output: Writable;
  error: Writable;
  /** Settings; defaults to loadConfig() (environment and .env). */
  config?: Config;
  /** Extra classifier options (tests: a short timeout). */
  timeoutMs?: number;
}

export interface ClassifyCommandOptions {
  taxonomy?: TaxonomyName;
  offline?: boolean;
}

// stdout carries the JSON lines, so log lines go to stderr.
function stderrLogger(config: Config): Logger {
  return pino({ level: config.LOG_LEVEL, base: undefined }, pino.destination(2));
}

function makeClassifier(options: ClassifyCommandOptions, io: CommandIo): { classifier: Classifier; config: Config } {
  const config = io.config ?? loadConfig();
  const classifier = createClassifier(config, stderrLogger(config), {
    taxonomy: options.taxonomy,
    offline: options.offline,
    timeoutMs: io.timeoutMs,
  });
  return { classifier, config };
}

const inputLineSchema = z.object({
  id: z.union([z.string().min(1), z.number()]),
  text: z.string().trim().min(1),
});

function describe(error: unknown): string {
  if (error instanceof SyntaxError) return 'dòng không phải JSON hợp lệ';
  if (error instanceof z.ZodError)
    return error.issues.map((i) => `${i.path.join('.') || 'dòng'}: ${i.message}`).join('; ');
  return error instanceof Error ? error.message : String(error);
}

function parseLine<T>(line: string, schema: z.ZodType<T>): T {
  return schema.parse(JSON.parse(line));
}

const CHUNK = 200;

/** Reads `{id, text}` lines, writes one classification line per good input; returns the bad-line count. */
export async function runClassifyCommand(options: ClassifyCommandOptions, io: CommandIo): Promise<number> {
  const { classifier, config } = makeClassifier(options, io);
  let lineNo = 0;
  let bad = 0;
  let chunk: Array<{ id: string | number; text: string }> = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const inputs = chunk.map((item, i) => ({ id: String(i), text: item.text }));
    const outcome = await classifier.classifyDetailed(inputs);
    chunk.forEach((item, i) => {
      const result = outcome.results.get(String(i))!;
      const review = needsReview(result, outcome.rules.get(String(i)), config.REVIEW_CONFIDENCE_THRESHOLD);
      io.output.write(`${JSON.stringify(outputLine(item.id, result, review))}\n`);
    });
    chunk = [];
  };
  for await (const line of createInterface({ input: io.input, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    try {
      chunk.push(parseLine(line, inputLineSchema));
    } catch (error) {
      bad++;
      io.error.write(`dòng ${lineNo}: bỏ qua (${describe(error)})\n`);
      continue;
    }
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();
  return bad;
}

function outputLine(id: string | number, result: import('./types.ts').ClassificationResult, review: boolean) {
  return {
    id,
    authority: result.authority,
    field: result.field,
    agency: result.agency,
    summary: result.summary,
    confidence: result.confidence,
    is_petition: result.isPetition,
    needs_review: review,
    classifier: result.classifier,
    reason: result.reason,
    ...(result.model ? { model: result.model, prompt_version: result.promptVersion } : {}),
    ...(result.tokensIn !== undefined ? { tokens_in: result.tokensIn, tokens_out: result.tokensOut } : {}),
  };
}

export interface EvalCommandOptions extends ClassifyCommandOptions {
  dataset?: string;
  json?: boolean;
  /** Folds of a cross-validation on the corpus (instead of classifying a dataset). */
  cv?: string;
  /** Corpus file for --cv (default corpus/petitions.jsonl). */
  corpus?: string;
}

export function readDataset(source: string, error: Writable): LabelledLine[] {
  const lines: LabelledLine[] = [];
  source.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      lines.push(parseLine(line, labelledLineSchema));
    } catch (problem) {
      error.write(`dòng ${i + 1}: bỏ qua (${describe(problem)})\n`);
    }
  });
  return lines;
}

/** Cross-validates the offline classifier on the corpus and prints the report. */
export function runCrossValidation(options: EvalCommandOptions, io: CommandIo): CrossValidationReport {
  const config = io.config ?? loadConfig();
  const taxonomy = loadTaxonomy(options.taxonomy ?? config.TAXONOMY);
  const lines = corpusLines(taxonomy, options.corpus);
  const report = crossValidate(lines, taxonomy, Number(options.cv), nonPetitionTexts());
  if (options.json) {
    io.output.write(`${JSON.stringify({ ...report, taxonomy: taxonomy.name, classifier: 'offline-cv' })}\n`);
  } else {
    const [low, high] = report.accuracy_ci.map((v) => `${(v * 100).toFixed(1)}%`);
    const screen = report.is_petition;
    io.output.write(
      [
        `Kiểm định chéo ${report.folds} phần trên kho kiến nghị thật; hệ phân cấp: ${taxonomy.name}`,
        formatReport(report),
        `Khoảng tin cậy 95% của độ chính xác (accuracy_ci): ${low} – ${high}`,
        `Nhận biết kiến nghị (is_petition): precision ${screen.precision ?? '-'}, recall ${screen.recall ?? '-'}` +
          ` (${screen.n_petitions} kiến nghị, ${screen.n_non_petitions} tin không phải kiến nghị)`,
        '',
      ].join('\n'),
    );
  }
  return report;
}

export interface TrainCommandOptions {
  taxonomy?: TaxonomyName;
  withCorrections?: boolean;
  corpus?: string;
  /** Folder the model files go to (default src/classify/model/). */
  out?: string;
}

/** Trains the model of each taxonomy (or the one given) and writes the committed JSON files. */
export async function runTrainCommand(options: TrainCommandOptions, io: CommandIo): Promise<string[]> {
  const names: TaxonomyName[] = options.taxonomy ? [options.taxonomy] : ['current', 'legacy'];
  const corrections = options.withCorrections ? await staffCorrections(io) : [];
  const dir = options.out
    ? new URL(`${options.out.replace(/\/?$/, '/')}`, `file://${process.cwd()}/`)
    : DEFAULT_MODEL_DIR;
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const name of names) {
    const taxonomy = loadTaxonomy(name);
    const extra = corrections.filter((line) => taxonomy.levelIds.includes(line.authority));
    const model = trainOn([...corpusLines(taxonomy, options.corpus), ...extra], taxonomy);
    const file = modelFile(name, dir);
    writeFileSync(file, serializeModel(model));
    written.push(file.pathname);
    io.output.write(
      `${name}: ${model.trainedOn.level} mẫu cấp, ${model.trainedOn.field} mẫu lĩnh vực` +
        `${extra.length ? ` (có ${extra.length} điều chỉnh của cán bộ)` : ''} → ${file.pathname}\n`,
    );
  }
  return written;
}

/** Staff corrections from the database as labelled lines. */
async function staffCorrections(io: CommandIo): Promise<LabelledLine[]> {
  const config = io.config ?? loadConfig();
  const db = await connectDb(config.DATABASE_URL);
  try {
    return readDataset((await exportLabelled(db)).join('\n'), io.error);
  } finally {
    await db.$disconnect();
  }
}

/** Classifies a labelled dataset and prints the report; returns it too. */
export async function runEvalCommand(options: EvalCommandOptions & { dataset: string }, io: CommandIo) {
  const { classifier } = makeClassifier(options, io);
  const labels = readDataset(readFileSync(options.dataset, 'utf8'), io.error);
  const results = await classifier.classify(labels.map((label, i) => ({ id: String(i), text: label.text })));
  const predictions = labels.map((_, i) => results.get(String(i))!);
  const report = evaluate(labels, predictions, classifier.taxonomy.levelIds);
  const classifierName = classifier.llmEnabled ? `llm (${classifier.model}, ${classifier.promptVersion})` : 'rules';
  if (options.json) {
    io.output.write(
      `${JSON.stringify({ ...report, taxonomy: classifier.taxonomy.name, classifier: classifierName })}\n`,
    );
  } else {
    io.output.write(
      `Bộ phân loại: ${classifierName}; hệ phân cấp: ${classifier.taxonomy.name}\n${formatReport(report)}\n`,
    );
  }
  return report;
}

function taxonomyOption(): Option {
  return new Option('--taxonomy <name>', 'hệ phân cấp (mặc định: TAXONOMY)').choices(['current', 'legacy']);
}

function processIo(): CommandIo {
  return { input: process.stdin, output: process.stdout, error: process.stderr };
}

export function registerClassifyCommands(program: Command): void {
  program
    .command('classify')
    .description('Phân loại kiến nghị: đọc JSON lines {"id","text"} từ stdin, ghi kết quả ra stdout')
    .addOption(taxonomyOption())
    .option('--offline', 'chỉ dùng bộ phân loại theo quy tắc, không gọi LLM')
    .action(async (options: ClassifyCommandOptions) => {
      await runClassifyCommand(options, processIo());
    });
  program
    .command('eval')
    .description('Đo độ chính xác trên tập dữ liệu có nhãn (JSON lines {"text","authority","field"?})')
    .option('--dataset <file>', 'tệp JSON lines có nhãn')
    .option('--cv <k>', 'kiểm định chéo k phần trên kho kiến nghị (corpus/petitions.jsonl)')
    .option('--corpus <file>', 'kho kiến nghị cho --cv')
    .addOption(taxonomyOption())
    .option('--offline', 'chỉ dùng bộ phân loại ngoại tuyến (quy tắc và mô hình)')
    .option('--json', 'in kết quả dạng một đối tượng JSON')
    .action(async (options: EvalCommandOptions) => {
      if (options.cv) runCrossValidation(options, processIo());
      else if (options.dataset) await runEvalCommand({ ...options, dataset: options.dataset }, processIo());
      else throw new Error('cần --dataset <tệp> hoặc --cv <k>');
    });
  program
    .command('train')
    .description('Huấn luyện mô hình phân loại ngoại tuyến từ kho kiến nghị (corpus/) vào src/classify/model/')
    .addOption(taxonomyOption())
    .option('--with-corrections', 'thêm các điều chỉnh của cán bộ trong cơ sở dữ liệu vào dữ liệu huấn luyện')
    .option('--corpus <file>', 'kho kiến nghị (mặc định corpus/petitions.jsonl)')
    .option('--out <dir>', 'thư mục ghi mô hình (mặc định src/classify/model/)')
    .action(async (options: TrainCommandOptions) => {
      await runTrainCommand(options, processIo());
    });
}
