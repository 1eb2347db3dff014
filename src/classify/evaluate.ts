// Accuracy report for a labelled dataset: the figures staff and developers compare
// when they change the cues, the prompt or the model.
import { z } from 'zod';

export const labelledLineSchema = z.object({
  text: z.string().min(1),
  authority: z.string().min(1),
  field: z.string().min(1).optional(),
});
export type LabelledLine = z.infer<typeof labelledLineSchema>;

export interface Prediction {
  authority: string;
  field: string;
}

export interface LevelStats {
  precision: number | null;
  recall: number | null;
  support: number;
  predicted: number;
}

export interface EvalReport {
  n: number;
  accuracy: number;
  central_vs_local_accuracy: number;
  field_accuracy: number | null;
  field_n: number;
  per_level: Record<string, LevelStats>;
  /** confusion[expected][predicted] = count */
  confusion: Record<string, Record<string, number>>;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** 95% Wilson score interval of a proportion (sound for small n and for rates near 0 or 1). */
export function wilsonInterval(successes: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 0];
  const p = successes / n;
  const centre = p + (z * z) / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  const denominator = 1 + (z * z) / n;
  return [round(Math.max(0, (centre - spread) / denominator)), round(Math.min(1, (centre + spread) / denominator))];
}
const ratio = (part: number, whole: number) => (whole === 0 ? null : round(part / whole));

/** Compares predictions with labels; "local" is every level below central. */
export function evaluate(labels: LabelledLine[], predictions: Prediction[], levels: string[]): EvalReport {
  const known = [...new Set([...levels, ...labels.map((l) => l.authority), ...predictions.map((p) => p.authority)])];
  const confusion: Record<string, Record<string, number>> = Object.fromEntries(
    known.map((expected) => [expected, Object.fromEntries(known.map((predicted) => [predicted, 0]))]),
  );
  let correct = 0;
  let sideCorrect = 0;
  let fieldCorrect = 0;
  let fieldN = 0;
  labels.forEach((label, i) => {
    const prediction = predictions[i]!;
    confusion[label.authority]![prediction.authority]! += 1;
    if (label.authority === prediction.authority) correct++;
    if ((label.authority === 'central') === (prediction.authority === 'central')) sideCorrect++;
    if (label.field) {
      fieldN++;
      if (label.field === prediction.field) fieldCorrect++;
    }
  });
  const perLevel: Record<string, LevelStats> = {};
  for (const level of known) {
    const truePositive = confusion[level]![level]!;
    const support = Object.values(confusion[level]!).reduce((a, b) => a + b, 0);
    const predicted = known.reduce((sum, expected) => sum + confusion[expected]![level]!, 0);
    perLevel[level] = {
      precision: ratio(truePositive, predicted),
      recall: ratio(truePositive, support),
      support,
      predicted,
    };
  }
  const n = labels.length;
  return {
    n,
    accuracy: ratio(correct, n) ?? 0,
    central_vs_local_accuracy: ratio(sideCorrect, n) ?? 0,
    field_accuracy: ratio(fieldCorrect, fieldN),
    field_n: fieldN,
    per_level: perLevel,
    confusion,
  };
}

const pct = (value: number | null) => (value === null ? '   -  ' : `${(value * 100).toFixed(1).padStart(5)}%`);

/** The human-readable report printed by `kiennghi eval`. */
export function formatReport(report: EvalReport): string {
  const levels = Object.keys(report.confusion);
  const width = Math.max(9, ...levels.map((l) => l.length)) + 1;
  const lines = [
    `Số mẫu (n): ${report.n}`,
    `Độ chính xác cấp thẩm quyền (accuracy): ${pct(report.accuracy)}`,
    `Trung ương / địa phương (central_vs_local_accuracy): ${pct(report.central_vs_local_accuracy)}`,
    `Lĩnh vực (field_accuracy): ${report.field_accuracy === null ? 'không có nhãn' : `${pct(report.field_accuracy)} trên ${report.field_n} mẫu có nhãn`}`,
    '',
    'Theo cấp:            precision  recall  support',
    ...levels.map((level) => {
      const stats = report.per_level[level]!;
      return `  ${level.padEnd(18)} ${pct(stats.precision)}  ${pct(stats.recall)}  ${String(stats.support).padStart(5)}`;
    }),
    '',
    'Ma trận nhầm lẫn (hàng: nhãn đúng, cột: dự đoán):',
    `  ${''.padEnd(width)}${levels.map((l) => l.padStart(width)).join('')}`,
    ...levels.map(
      (expected) =>
        `  ${expected.padEnd(width)}${levels.map((p) => String(report.confusion[expected]![p]).padStart(width)).join('')}`,
    ),
  ];
  return lines.join('\n');
}
