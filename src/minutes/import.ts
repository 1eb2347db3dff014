// Importing a meeting's minutes or lists: petitions recognised by their content within the
// meeting (same words, or a close TF-IDF match for an edited item), never by position, so a
// second import creates nothing and a corrected one updates what changed.
import { basename } from 'node:path';
import { enqueueClassification } from '../classify/jobs.ts';
import type { Db, Tx } from '../db/client.ts';
import { transaction } from '../db/sql.ts';
import { answerKey, normalizeText } from '../core/text.ts';
import { cosine, vectorize } from '../digests/similarity.ts';
import { MAX_PETITION_CHARS, storePetition } from '../intake/petitions.ts';
import { findMeetingByCode } from '../meetings/service.ts';
import { searchKeyOf } from '../petitions/search-key.ts';
import { audit } from '../staff/access.ts';
import { parseColumnMap } from './columns.ts';
import { readSource } from './read.ts';
import { splitBlocks, type Skipped, type SplitItem } from './split.ts';

/** Similarity at or above which an item is taken to be an edited version of a stored one. */
export const EDITED_ITEM_THRESHOLD = 0.5;

export type ItemResult = 'created' | 'updated' | 'unchanged';

export interface ImportedPetition {
  tracking_code: string | null;
  speaker: string | null;
  area: string | null;
  text: string;
  voters: number;
  position: string;
  result: ItemResult;
  /** what an update changed: text, speaker, area, voters */
  changes: string[];
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  skipped: Skipped[];
  petitions: ImportedPetition[];
}

export interface ImportRequest {
  meetingCode: string;
  fileName: string;
  content: Buffer;
  /** --columns, see columns.ts */
  columns?: string;
  dryRun: boolean;
  now: Date;
  timeZone: string;
  /** who imported it, for the petitions' history and the audit log */
  actor: string;
}

export class ImportError extends Error {}

interface Stored {
  id: number;
  trackingCode: string;
  text: string;
  speaker: string | null;
  speakerArea: string | null;
  voters: number;
}

/** Reads, splits and (unless a dry run) stores one document's petitions for a meeting. */
export async function importMinutes(db: Db, request: ImportRequest): Promise<ImportReport> {
  if (!(await findMeetingByCode(db, request.meetingCode)))
    throw new ImportError(`Không có hội nghị mã ${request.meetingCode}.`);
  const columns = parseColumnMap(request.columns);
  const { items, skipped } = splitBlocks(await readSource(request.content, basename(request.fileName)), columns);
  return importItems(db, { ...request, items, skipped });
}

/** The items of a document already read (and perhaps corrected by staff in a preview), to store as an import. */
export interface ItemsRequest extends Omit<ImportRequest, 'content' | 'columns'> {
  items: SplitItem[];
  skipped: Skipped[];
}

/** Stores (unless a dry run) the items read from one document, recognised against the meeting's earlier imports. */
export async function importItems(db: Db, request: ItemsRequest): Promise<ImportReport> {
  const { items, skipped } = request;
  const meeting = await findMeetingByCode(db, request.meetingCode);
  if (!meeting) throw new ImportError(`Không có hội nghị mã ${request.meetingCode}.`);
  const fileName = basename(request.fileName);
  const tooLong = items.find((item) => item.text.length > MAX_PETITION_CHARS);
  if (tooLong) throw new ImportError(`Mục ở ${tooLong.position} dài quá ${MAX_PETITION_CHARS} ký tự.`);
  const work = async (tx: Tx) => {
    const existing = await tx.petition.findMany({
      where: { meetingId: meeting.id, legalBasis: 'minutes' },
      select: { id: true, trackingCode: true, text: true, speaker: true, speakerArea: true, voters: true },
      orderBy: { id: 'asc' },
    });
    const matches = matchItems(items, existing);
    const petitions: ImportedPetition[] = [];
    for (const [index, item] of items.entries()) {
      const context = { tx, request, fileName, meeting };
      const match = matches.get(index);
      petitions.push(match ? await updateItem(context, item, match) : await createItem(context, item));
    }
    if (!request.dryRun) {
      const counts = tally(petitions);
      await audit(tx, {
        actor: request.actor,
        action: 'petition.import',
        entity: 'meeting',
        entityId: meeting.code,
        after: { file: fileName, ...counts, skipped: skipped.length },
      });
    }
    return petitions;
  };
  // A dry run reads in a transaction too, and writes nothing.
  const petitions = await transaction(db, work);
  return { ...tally(petitions), skipped, petitions };
}

function tally(petitions: ImportedPetition[]): Pick<ImportReport, ItemResult> {
  const count = (result: ItemResult) => petitions.filter((p) => p.result === result).length;
  return { created: count('created'), updated: count('updated'), unchanged: count('unchanged') };
}

/** Item index -> the stored petition it is: same words first, then the closest edited text, one to one. */
function matchItems(items: SplitItem[], existing: Stored[]): Map<number, Stored> {
  const matches = new Map<number, Stored>();
  const free = new Set(existing);
  for (const [index, item] of items.entries()) {
    const key = answerKey(item.text);
    const same = [...free].find((stored) => answerKey(stored.text) === key);
    if (!same) continue;
    matches.set(index, same);
    free.delete(same);
  }
  const leftItems = [...items.keys()].filter((index) => !matches.has(index));
  const leftStored = [...free];
  if (leftItems.length === 0 || leftStored.length === 0) return matches;
  const vectors = vectorize([...leftStored.map((s) => s.text), ...leftItems.map((i) => items[i]!.text)]);
  const pairs = leftItems.flatMap((item, i) =>
    leftStored.map((stored, s) => ({ item, stored, score: cosine(vectors[leftStored.length + i]!, vectors[s]!) })),
  );
  pairs.sort((a, b) => b.score - a.score);
  for (const pair of pairs) {
    if (pair.score < EDITED_ITEM_THRESHOLD) break;
    if (matches.has(pair.item) || !free.has(pair.stored)) continue;
    matches.set(pair.item, pair.stored);
    free.delete(pair.stored);
  }
  return matches;
}

interface Context {
  tx: Tx;
  request: ItemsRequest;
  fileName: string;
  meeting: { id: number; ward: string | null };
}

function changesOf(item: SplitItem, stored: Stored): string[] {
  const changes: string[] = [];
  if (normalizeText(item.text) !== normalizeText(stored.text)) changes.push('text');
  if (item.speaker !== stored.speaker) changes.push('speaker');
  if (item.area !== stored.speakerArea) changes.push('area');
  if (item.voters !== stored.voters) changes.push('voters');
  return changes;
}

function changedFields(item: SplitItem, now: Date) {
  const text = { text: item.text, textNormalized: normalizeText(item.text), searchKey: searchKeyOf(item.text) };
  return { ...text, speaker: item.speaker, speakerArea: item.area, voters: item.voters, updatedAt: now };
}

async function updateItem({ tx, request, fileName }: Context, item: SplitItem, stored: Stored) {
  const changes = changesOf(item, stored);
  const result: ItemResult = changes.length ? 'updated' : 'unchanged';
  if (!request.dryRun) {
    // Where the item now stands is kept quietly: moving in the document is no change to it.
    await tx.petition.update({
      where: { id: stored.id },
      data: {
        sourceFile: fileName,
        sourcePosition: item.position,
        ...(changes.length ? changedFields(item, request.now) : {}),
      },
    });
    if (changes.includes('text')) await enqueueClassification(tx, stored.id);
    if (changes.length)
      await audit(tx, {
        actor: request.actor,
        action: 'petition.minutes_update',
        entity: 'petition',
        entityId: stored.trackingCode,
        after: { file: fileName, changes },
      });
  }
  return imported(item, stored.trackingCode, result, changes);
}

async function createItem({ tx, request, fileName, meeting }: Context, item: SplitItem) {
  if (request.dryRun) return imported(item, null, 'created', []);
  const stored = await storePetition(tx, {
    channel: 'meeting',
    voterId: null,
    anonymous: false,
    meetingId: meeting.id,
    ward: meeting.ward,
    text: item.text,
    media: [],
    now: request.now,
    timeZone: request.timeZone,
    actor: request.actor,
    minutes: {
      speaker: item.speaker,
      speakerArea: item.area,
      voters: item.voters,
      sourceFile: fileName,
      sourcePosition: item.position,
    },
  });
  return imported(item, stored.trackingCode, 'created', []);
}

function imported(item: SplitItem, code: string | null, result: ItemResult, changes: string[]): ImportedPetition {
  return {
    tracking_code: code,
    speaker: item.speaker,
    area: item.area,
    text: item.text,
    voters: item.voters,
    position: item.position,
    result,
    changes,
  };
}
