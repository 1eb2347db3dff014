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
import { needsReview } from './review.ts';
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
  dataset: string;
  json?: boolean;
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

/** Classifies a labelled dataset and prints the report; returns it too. */
export async function runEvalCommand(options: EvalCommandOptions, io: CommandIo) {
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
    .requiredOption('--dataset <file>', 'tệp JSON lines có nhãn')
    .addOption(taxonomyOption())
    .option('--offline', 'chỉ dùng bộ phân loại theo quy tắc')
    .option('--json', 'in kết quả dạng một đối tượng JSON')
    .action(async (options: EvalCommandOptions) => {
      await runEvalCommand(options, processIo());
    });
}
