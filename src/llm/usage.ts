// Token accounting per local day, feature and model, kept in LlmUsage and shown by
// `kiennghi llm usage`.
import { localDate } from '../digests/calendar.ts';
import type { Db } from '../db/client.ts';
import { execute, queryRows } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { ModelFeature } from './features.ts';

export interface UsageEntry {
  feature: ModelFeature;
  model: string;
  tokensIn: number;
  tokensOut: number;
  truncated: boolean;
}

/** Adds one answered call to its day's row. */
export async function recordUsage(db: Db, entry: UsageEntry, now: Date, timeZone: string): Promise<void> {
  const day = localDate(now, timeZone);
  const cut = entry.truncated ? 1 : 0;
  await execute(
    db,
    Prisma.sql`
      INSERT INTO "LlmUsage" ("day", "feature", "model", "requests", "tokensIn", "tokensOut", "truncated")
      VALUES (${day}, ${entry.feature}, ${entry.model}, 1, ${entry.tokensIn}, ${entry.tokensOut}, ${cut})
      ON CONFLICT ("day", "feature", "model") DO UPDATE SET
        "requests" = "LlmUsage"."requests" + 1,
        "tokensIn" = "LlmUsage"."tokensIn" + excluded."tokensIn",
        "tokensOut" = "LlmUsage"."tokensOut" + excluded."tokensOut",
        "truncated" = "LlmUsage"."truncated" + excluded."truncated"`,
  );
}

export interface UsageRow {
  feature: string;
  model: string;
  requests: number;
  tokensIn: number;
  tokensOut: number;
  truncated: number;
}

/** Totals per feature and model from `fromDay` (YYYY-MM-DD, local) on. */
export async function usageSince(db: Db, fromDay: string): Promise<UsageRow[]> {
  type Raw = Record<keyof UsageRow, string | number | bigint>;
  const rows = await queryRows<Raw>(
    db,
    Prisma.sql`
      SELECT "feature", "model", SUM("requests") AS "requests", SUM("tokensIn") AS "tokensIn",
        SUM("tokensOut") AS "tokensOut", SUM("truncated") AS "truncated"
      FROM "LlmUsage" WHERE "day" >= ${fromDay}
      GROUP BY "feature", "model" ORDER BY "feature", "model"`,
  );
  return rows.map((row) => ({
    feature: String(row.feature),
    model: String(row.model),
    requests: Number(row.requests),
    tokensIn: Number(row.tokensIn),
    tokensOut: Number(row.tokensOut),
    truncated: Number(row.truncated),
  }));
}
