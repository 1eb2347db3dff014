// Store first, classify later: the intake flow enqueues a `classify` job inside the
// transaction that stores the petition; this worker classifies in batches. When the LLM
// fails, the offline answer is stored now and the job is retried later for the LLM.
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import type { Db, Tx } from '../db/client.ts';
import { execute, queryRows, transaction } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { enqueueJob, RetryLater, type ClaimedJob, type JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';
import { createClassifier, type Classifier, type ClassifierOptions } from './classifier.ts';
import { CLASSIFIER_STATUSES, classifiedStatus, needsReview } from './review.ts';
import type { ClassificationResult, ClassifyInput } from './types.ts';

export const CLASSIFY_JOB = 'classify';
/** After this many tries the offline result stands and the job ends quietly. */
export const CLASSIFY_MAX_ATTEMPTS = 10;
const BASE_RETRY_MS = 30_000;
const MAX_RETRY_MS = 30 * 60_000;
/** LLM requests' worth of petitions one job call takes (see registerClassificationJobs). */
const REQUESTS_PER_CALL = 5;

const payloadSchema = z.object({ petitionId: z.number().int().positive() });

/** Called by intake inside the transaction that stores the petition (its PostgreSQL statement inserts the same row). */
export async function enqueueClassification(tx: Db | Tx, petitionId: number): Promise<void> {
  await enqueueJob(tx, CLASSIFY_JOB, { petitionId }, { maxAttempts: CLASSIFY_MAX_ATTEMPTS });
}

/** What classifying a petition needs of it, its voter, its meeting and its latest classification. */
interface PetitionRow {
  id: number;
  text: string;
  textNormalized: string;
  status: string;
  voterName: string | null;
  /** The known ward copied onto the petition (never the voter's own answer, which may be anything). */
  petitionWard: string | null;
  meetingTitle: string | null;
  meetingWard: string | null;
  lastClassifier: string | null;
  lastTaxonomy: string | null;
}

/** One plain-SQL query per batch (the ORM's include would take four). */
async function loadPetitions(db: Db, ids: number[]): Promise<PetitionRow[]> {
  if (ids.length === 0) return [];
  const latest = (column: string) =>
    Prisma.raw(
      `(SELECT c."${column}" FROM "Classification" c WHERE c."petitionId" = p."id" ORDER BY c."id" DESC LIMIT 1)`,
    );
  const rows = await queryRows<PetitionRow>(
    db,
    Prisma.sql`
      SELECT p."id", p."text", p."textNormalized", p."status", COALESCE(v."name", p."speaker") AS "voterName",
        p."ward" AS "petitionWard",
        m."title" AS "meetingTitle", m."ward" AS "meetingWard",
        ${latest('classifier')} AS "lastClassifier", ${latest('taxonomy')} AS "lastTaxonomy"
      FROM "Petition" p LEFT JOIN "Voter" v ON v."id" = p."voterId" LEFT JOIN "Meeting" m ON m."id" = p."meetingId"
      WHERE p."id" IN (${Prisma.join(ids)})`,
  );
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** Already done by the LLM or corrected by staff: a retried job must not redo (or undo) it. */
function isSettled(petition: PetitionRow, taxonomy: string): boolean {
  return (
    petition.lastClassifier === 'staff' || (petition.lastClassifier === 'llm' && petition.lastTaxonomy === taxonomy)
  );
}

function toInput(petition: PetitionRow): ClassifyInput {
  return {
    id: String(petition.id),
    text: petition.textNormalized || petition.text,
    context: {
      meetingTitle: petition.meetingTitle ?? undefined,
      ward: petition.meetingWard ?? petition.petitionWard ?? undefined,
      personalNames: petition.voterName ? [petition.voterName] : [],
    },
  };
}

/** Identical normalized texts already classified by the LLM (or staff) are reused: text -> result. */
async function reuseFromDb(
  db: Db,
  petitions: PetitionRow[],
  taxonomy: string,
): Promise<Map<string, ClassificationResult>> {
  const previous = await queryRows<{
    petitionId: number;
    textNormalized: string;
    authority: string;
    field: string;
    agency: string | null;
    summary: string | null;
    confidence: number;
    isPetition: boolean | number;
    classifier: string;
    model: string | null;
    promptVersion: string | null;
  }>(
    db,
    Prisma.sql`
      SELECT c."petitionId", p."textNormalized", c."authority", c."field", c."agency", c."summary", c."confidence",
        c."isPetition", c."classifier", c."model", c."promptVersion"
      FROM "Classification" c JOIN "Petition" p ON p."id" = c."petitionId"
      WHERE c."taxonomy" = ${taxonomy} AND c."classifier" IN ('llm', 'staff')
        AND c."petitionId" NOT IN (${Prisma.join(petitions.map((p) => p.id))})
        AND p."textNormalized" IN (${Prisma.join(petitions.map((p) => p.textNormalized))})
      ORDER BY c."id" DESC`,
  );
  const reused = new Map<string, ClassificationResult>();
  for (const row of previous) {
    if (reused.has(row.textNormalized)) continue;
    reused.set(row.textNormalized, {
      authority: row.authority,
      field: row.field,
      agency: row.agency,
      summary: row.summary,
      confidence: row.classifier === 'staff' ? 1 : Number(row.confidence),
      isPetition: Boolean(row.isPetition),
      reason: `Dùng lại phân loại của kiến nghị #${row.petitionId} có nội dung giống hệt (${row.classifier}).`,
      classifier: 'llm',
      model: row.model ?? undefined,
      promptVersion: row.promptVersion ?? undefined,
      tokensIn: 0,
      tokensOut: 0,
    });
  }
  return reused;
}

interface Outcome {
  petition: PetitionRow;
  result: ClassificationResult;
  review: boolean;
}

/**
 * A batch's results in one transaction: history rows, the copy on each petition, the status
 * step. Plain SQL: a burst of petitions is classified while voters are still writing in.
 */
async function storeResults(db: Db, outcomes: Outcome[], taxonomy: string): Promise<void> {
  if (outcomes.length === 0) return;
  const now = new Date();
  await transaction(db, async (tx) => {
    const history = outcomes.map(
      ({ petition, result: r }) =>
        Prisma.sql`(${petition.id}, ${taxonomy}, ${r.authority}, ${r.field}, ${r.agency}, ${r.summary}, ${r.confidence}, ${r.isPetition},
          ${r.reason.slice(0, 1000)}, ${r.classifier}, ${r.model ?? null}, ${r.promptVersion ?? null}, ${r.tokensIn ?? null}, ${r.tokensOut ?? null}, ${now})`,
    );
    await execute(
      tx,
      Prisma.sql`INSERT INTO "Classification" ("petitionId", "taxonomy", "authority", "field", "agency", "summary", "confidence", "isPetition",
        "reason", "classifier", "model", "promptVersion", "tokensIn", "tokensOut", "createdAt") VALUES ${Prisma.join(history)}`,
    );
    // One UPDATE for the batch; VALUES columns are column1... on both databases.
    const copies = outcomes.map(({ petition, result: r, review }) => {
      // Once staff have moved a petition on, the classifier may raise a flag but not clear one.
      const mayClear = CLASSIFIER_STATUSES.includes(petition.status);
      return Prisma.sql`(CAST(${petition.id} AS INTEGER), ${r.authority}, ${r.field}, ${r.agency}, ${r.summary}, CAST(${mayClear || review} AS BOOLEAN), CAST(${review} AS BOOLEAN))`;
    });
    await execute(
      tx,
      Prisma.sql`UPDATE "Petition" AS p SET "authority" = v.column2, "field" = v.column3, "agency" = v.column4, "summary" = v.column5,
          "needsReview" = CASE WHEN v.column6 THEN v.column7 ELSE p."needsReview" END, "updatedAt" = ${now}
        FROM (VALUES ${Prisma.join(copies)}) AS v WHERE p."id" = v.column1`,
    );
    await moveStatuses(tx, outcomes, now);
  });
}

/**
 * The status step of a batch: classified, or not a petition, while staff have not acted on
 * the petition yet (a later LLM answer may move it either way). A petition whose status
 * changed since it was read keeps the new one.
 */
async function moveStatuses(tx: Tx, outcomes: Outcome[], now: Date): Promise<void> {
  const steps = outcomes
    .map(({ petition, result }) => ({ petition, result, to: classifiedStatus(result) }))
    .filter(({ petition, to }) => CLASSIFIER_STATUSES.includes(petition.status) && petition.status !== to);
  if (steps.length === 0) return;
  const rows = steps.map(
    ({ petition, to }) => Prisma.sql`(CAST(${petition.id} AS INTEGER), ${petition.status}, ${to})`,
  );
  const moved = await queryRows<{ id: number | string }>(
    tx,
    Prisma.sql`UPDATE "Petition" AS p SET "status" = v.column3, "updatedAt" = ${now}
      FROM (VALUES ${Prisma.join(rows)}) AS v WHERE p."id" = v.column1 AND p."status" = v.column2 RETURNING "id"`,
  );
  const movedIds = new Set(moved.map((row) => Number(row.id)));
  const events = steps
    .filter(({ petition }) => movedIds.has(petition.id))
    .map(({ petition, result, to }) => {
      const note = `${result.classifier}: ${result.authority}/${result.field}`;
      return Prisma.sql`(${petition.id}, ${petition.status}, ${to}, 'classifier', ${note}, ${now})`;
    });
  if (events.length === 0) return;
  await execute(
    tx,
    Prisma.sql`INSERT INTO "PetitionEvent" ("petitionId", "fromStatus", "toStatus", "actor", "note", "createdAt")
      VALUES ${Prisma.join(events)}`,
  );
}

function retryDelay(attempts: number, retryAfterMs: number | undefined): number {
  const backoff = Math.min(MAX_RETRY_MS, BASE_RETRY_MS * 2 ** attempts) * (0.75 + Math.random() * 0.5);
  return Math.round(Math.max(retryAfterMs ?? 0, backoff));
}

export interface ClassificationJobOptions extends ClassifierOptions {
  /** Use this classifier instead of building one from the config (tests). */
  classifier?: Classifier;
}

async function handleJobs(
  jobs: ClaimedJob[],
  db: Db,
  classifier: Classifier,
  config: Config,
  log: Logger,
): Promise<void> {
  const taxonomy = classifier.taxonomy.name;
  const ids = new Set<number>();
  for (const job of jobs) {
    const payload = payloadSchema.safeParse(job.payload);
    if (payload.success) ids.add(payload.data.petitionId);
    else log.error({ jobId: job.id }, 'classify job with a bad payload; dropped');
  }
  // A deleted petition (voter asked to erase their data) simply has nothing to classify.
  const petitions = (await loadPetitions(db, [...ids])).filter((p) => !isSettled(p, taxonomy));
  const toClassify: PetitionRow[] = [];
  const outcomes: Outcome[] = [];
  const known =
    classifier.llmEnabled && petitions.length
      ? await reuseFromDb(db, petitions, taxonomy)
      : new Map<string, ClassificationResult>();
  for (const petition of petitions) {
    const reused = known.get(petition.textNormalized);
    if (reused)
      outcomes.push({
        petition,
        result: reused,
        review: needsReview(reused, undefined, config.REVIEW_CONFIDENCE_THRESHOLD),
      });
    else toClassify.push(petition);
  }
  const outcome = toClassify.length ? await classifier.classifyDetailed(toClassify.map(toInput)) : undefined;
  for (const petition of toClassify) {
    const id = String(petition.id);
    const result = outcome!.results.get(id)!;
    outcomes.push({
      petition,
      result,
      review: needsReview(result, outcome!.rules.get(id), config.REVIEW_CONFIDENCE_THRESHOLD),
    });
  }
  await storeResults(db, outcomes, taxonomy);
  if (!outcome || outcome.llmFailures.size === 0) return;
  const attempts = Math.max(...jobs.map((job) => job.attempts));
  if (attempts + 1 >= CLASSIFY_MAX_ATTEMPTS) {
    log.warn(
      { petitions: outcome.llmFailures.size },
      'LLM still failing after the last attempt; the offline classification stands',
    );
    return;
  }
  const delay = retryDelay(attempts, outcome.retryAfterMs);
  throw new RetryLater(
    delay,
    `LLM failed for ${outcome.llmFailures.size} petition(s); offline result stored, retry in ${Math.round(delay / 1000)} s`,
  );
}

/**
 * Registers the `classify` job. One call takes up to REQUESTS_PER_CALL LLM requests' worth of
 * petitions (CLASSIFY_BATCH_SIZE each): a burst of petitions then costs a few reads and one
 * write transaction per call rather than per request.
 */
export function registerClassificationJobs(
  queue: JobQueue,
  db: Db,
  config: Config,
  log: Logger,
  options: ClassificationJobOptions = {},
): Classifier {
  const classifier = options.classifier ?? createClassifier(config, log, { db, ...options });
  queue.register(CLASSIFY_JOB, {
    batchSize: config.CLASSIFY_BATCH_SIZE * REQUESTS_PER_CALL,
    handle: (jobs) => handleJobs(jobs, db, classifier, config, log),
  });
  return classifier;
}
