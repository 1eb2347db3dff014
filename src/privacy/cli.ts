// `kiennghi pii-eval`: measures the personal-data redactor on a labelled corpus; no database, no token.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { evaluatePii, formatPiiReport, piiCaseSchema, type PiiCase, type PiiReport } from './evaluate.ts';

/** The corpus shipped with the project. */
export const DEFAULT_PII_DATASET = fileURLToPath(new URL('../../test/fixtures/pii-corpus.jsonl', import.meta.url));

export interface PiiEvalOptions {
  dataset?: string;
  json?: boolean;
}

/** Reads a JSON-lines corpus; a bad line is reported with its number and skipped. */
export function readPiiDataset(source: string, error: Writable): PiiCase[] {
  const cases: PiiCase[] = [];
  source.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      cases.push(piiCaseSchema.parse(JSON.parse(line)));
    } catch (problem) {
      const why =
        problem instanceof SyntaxError ? 'không phải JSON hợp lệ' : String((problem as Error).message ?? problem);
      error.write(`dòng ${index + 1}: bỏ qua (${why})\n`);
    }
  });
  return cases;
}

/** Evaluates the corpus and prints the report (one JSON object with --json); returns it too. */
export function runPiiEval(options: PiiEvalOptions, output: Writable, error: Writable): PiiReport {
  const cases = readPiiDataset(readFileSync(options.dataset ?? DEFAULT_PII_DATASET, 'utf8'), error);
  const report = evaluatePii(cases);
  output.write(options.json ? `${JSON.stringify(report)}\n` : `${formatPiiReport(report)}\n`);
  return report;
}

/** Registers `pii-eval` on the command line. */
export function registerPrivacyCommands(program: Command): void {
  program
    .command('pii-eval')
    .description('Đo bộ lọc dữ liệu cá nhân trên tập mẫu có nhãn (JSON lines {"text","pii":[{"text","kind"}]})')
    .option('--dataset <file>', 'tệp JSON lines có nhãn (mặc định: test/fixtures/pii-corpus.jsonl)')
    .option('--json', 'in kết quả dạng một đối tượng JSON')
    .action((options: PiiEvalOptions) => {
      runPiiEval(options, process.stdout, process.stderr);
    });
}
