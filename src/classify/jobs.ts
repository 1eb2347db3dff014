// Store first, classify later: the intake flow enqueues a `classify` job inside the
// transaction that stores the petition; this worker classifies in batches. When the LLM
// fails, the offline answer is stored now and the job is retried later for the LLM.
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import type { Db, Tx } from '../db/client.ts';
import { enqueueJob, RetryLater, type ClaimedJob, type JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';
import { createClassifier, type Classifier, type ClassifierOptions } from './classifier.ts';
import { needsReview } from './review.ts';
import type { ClassificationResult, ClassifyInput } from './types.ts';

export const CLASSIFY_JOB = 'classify';
/** After this many tries the offline result stands and the job ends quietly. */
export const CLASSIFY_MAX_ATTEMPTS = 10;
const BASE_RETRY_MS = 30_000;
const MAX_RETRY_MS = 30 * 60_000;

const payloadSchema = z.object({ petitionId: z.number().int().positive() });

/** Called by intake inside the transaction that stores the petition. */
export async function enqueueClassification(tx: Db | Tx, petitionId: number): Promise<void> {
  await enqueueJob(tx, CLASSIFY_JOB, { petitionId }, { maxAttempts: CLASSIFY_MAX_ATTEMPTS });
}

type PetitionRow = Awaited<ReturnType<typeof loadPetitions>>[number];

async function loadPetitions(db: Db, ids: number[]) {
  return db.petition.findMany({
    where: { id: { in: ids } },
    include: {
      voter: { select: { name: true, ward: true } },
      meeting: { select: { title: true, ward: true } },
      classifications: { orderBy: { id: 'desc' }, take: 1, select: { classifier: true, taxonomy: true } },
    },
  });
}

/** Already done by the LLM or corrected by staff: a retried job must not redo (or undo) it. */
function isSettled(petition: PetitionRow, taxonomy: string): boolean {
  const latest = petition.classifications[0];
  if (!latest) return false;
  return latest.classifier === 'staff' || (latest.classifier === 'llm' && latest.taxonomy === taxonomy);
}

function toInput(petition: PetitionRow): ClassifyInput {
  const names = [petition.voter?.name].filter((name): name is string => Boolean(name));
  return {
    id: String(petition.id),
    text: petition.textNormalized || petition.text,
    context: {
      meetingTitle: petition.meeting?.title,
      ward: petition.meeting?.ward ?? petition.voter?.ward ?? undefined,
      personalNames: names,
    },
  };
}

/** An identical normalised text already classified by the LLM (or staff) is reused. */
async function reuseFromDb(db: Db, petition: PetitionRow, taxonomy: string): Promise<ClassificationResult | undefined> {
  const previous = await db.classification.findFirst({
    where: {
      taxonomy,
      classifier: { in: ['llm', 'staff'] },
      petitionId: { not: petition.id },
      petition: { textNormalized: petition.textNormalized },
    },
    orderBy: { id: 'desc' },
  });
  if (!previous) return undefined;
  return {
    authority: previous.authority,
    field: previous.field,
    agency: previous.agency,
    summary: previous.summary,
    confidence: previous.classifier === 'staff' ? 1 : previous.confidence,
    isPetition: previous.isPetition,
    reason: `Dùng lại phân loại của kiến nghị #${previous.petitionId} có nội dung giống hệt (${previous.classifier}).`,
    classifier: 'llm',
    model: previous.model ?? undefined,
    promptVersion: previous.promptVersion ?? undefined,
    tokensIn: 0,
    tokensOut: 0,
  };
}

async function storeResult(db: Db, petition: PetitionRow, result: ClassificationResult, review: boolean, taxonomy: string) {
  await db.$transaction(async (tx) => {
    await tx.classification.create({
      data: {
        petitionId: petition.id,
        taxonomy,
        authority: result.authority,
        field: result.field,
        agency: result.agency,
        summary: result.summary,
        confidence: result.confidence,
        isPetition: result.isPetition,
        reason: result.reason.slice(0, 1000),
        classifier: result.classifier,
        model: result.model ?? null,
        promptVersion: result.promptVersion ?? null,
        tokensIn: result.tokensIn ?? null,
        tokensOut: result.tokensOut ?? null,
      },
    });
    const early = petition.status === 'received' || petition.status === 'classified';
    await tx.petition.update({
      where: { id: petition.id },
      data: {
        authority: result.authority,
        field: result.field,
        agency: result.agency,
        summary: result.summary,
        // Once staff have moved a petition on, the classifier may raise a flag but not clear one.
        ...(early || review ? { needsReview: review } : {}),
      },
    });
    const moved = await tx.petition.updateMany({ where: { id: petition.id, status: 'received' }, data: { status: 'classified' } });
    if (moved.count > 0) {
      await tx.petitionEvent.create({
        data: {
          petitionId: petition.id,
          fromStatus: 'received',
          toStatus: 'classified',
          actor: 'classifier',
          note: `${result.classifier}: ${result.authority}/${result.field}`,
        },
      });
    }
  });
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
    else log.error({ jobId: job.id, payload: job.payload }, 'classify job with a bad payload; dropped');
  }
  // A deleted petition (voter asked to erase their data) simply has nothing to classify.
  const petitions = (await loadPetitions(db, [...ids])).filter((p) => !isSettled(p, taxonomy));
  const toClassify: PetitionRow[] = [];
  for (const petition of petitions) {
    const reused = classifier.llmEnabled ? await reuseFromDb(db, petition, taxonomy) : undefined;
    if (reused) await storeResult(db, petition, reused, needsReview(reused, undefined, config.REVIEW_CONFIDENCE_THRESHOLD), taxonomy);
    else toClassify.push(petition);
  }
  if (toClassify.length === 0) return;
  const outcome = await classifier.classifyDetailed(toClassify.map(toInput));
  for (const petition of toClassify) {
    const id = String(petition.id);
    const result = outcome.results.get(id)!;
    await storeResult(db, petition, result, needsReview(result, outcome.rules.get(id), config.REVIEW_CONFIDENCE_THRESHOLD), taxonomy);
  }
  if (outcome.llmFailures.size === 0) return;
  const attempts = Math.max(...jobs.map((job) => job.attempts));
  if (attempts + 1 >= CLASSIFY_MAX_ATTEMPTS) {
    log.warn({ petitions: outcome.llmFailures.size }, 'LLM still failing after the last attempt; the offline classification stands');
    return;
  }
  const delay = retryDelay(attempts, outcome.retryAfterMs);
  throw new RetryLater(delay, `LLM failed for ${outcome.llmFailures.size} petition(s); offline result stored, retry in ${Math.round(delay / 1000)} s`);
}

/** Registers the `classify` job: batches of CLASSIFY_BATCH_SIZE petitions per call. */
export function registerClassificationJobs(
  queue: JobQueue,
  db: Db,
  config: Config,
  log: Logger,
  options: ClassificationJobOptions = {},
): Classifier {
  const classifier = options.classifier ?? createClassifier(config, log, options);
  queue.register(CLASSIFY_JOB, {
    batchSize: config.CLASSIFY_BATCH_SIZE,
    handle: (jobs) => handleJobs(jobs, db, classifier, config, log),
  });
  return classifier;
}
