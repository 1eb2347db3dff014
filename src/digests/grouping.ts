// Grouping petitions into themes. The deterministic method (similarity.ts) always works;
// with an LLM configured, the model only proposes groups, which are checked (zod, known
// ids, each petition once) before anything is stored. Originals are never changed: a group
// is a PetitionGroup row and each member keeps its own text, code and voter, linked by
// Petition.groupId. Staff may confirm, split or merge groups; automatic runs never touch
// a confirmed group's membership and never move a petition that already has a group.
import { z } from 'zod';
import { NOT_PETITION } from '../classify/review.ts';
import type { Config } from '../config/index.ts';
import { excerpt } from '../core/messages.ts';
import type { Db } from '../db/client.ts';
import { createModelGateway, type ModelGateway } from '../llm/gateway.ts';
import { extractJson } from '../llm/json.ts';
import { loadPrompt } from '../llm/prompts.ts';
import { estimateTokens, packByTokens } from '../llm/tokens.ts';
import type { Logger } from '../log.ts';
import { audit } from '../staff/access.ts';
import { clusterBySimilarity, DEFAULT_THRESHOLD } from './similarity.ts';
import { transaction } from '../db/sql.ts';

export interface GroupCandidate {
  id: number;
  text: string;
  summary: string | null;
}

/** A candidate with its voter's name, which the gateway removes from what the model sees. */
export interface LlmGroupCandidate extends GroupCandidate {
  voter: { name: string | null } | null;
  /** the speaker named in a meeting's minutes */
  speaker?: string | null;
}

export const GROUPING_STATUSES_EXCLUDED = ['rejected'];
const LLM_CHUNK = 80;
const LLM_TEXT_CHARS = 600;
const TITLE_MAX = 120;

/** A short title for a theme: the classifier's summary when there is one, else the text's start. */
export function themeTitle(petition: { text: string; summary: string | null }): string {
  const base = petition.summary?.trim() || petition.text.split(/(?<=[.!?…])\s|\n/)[0]!.trim() || petition.text.trim();
  return excerpt(base.replace(/\s+/g, ' '), TITLE_MAX);
}

const proposalSchema = z.object({
  groups: z.array(z.object({ title: z.string().trim().min(1).max(300), ids: z.array(z.coerce.number().int()) })),
});

export interface ProposedGroup {
  title: string | null;
  ids: number[];
}

/**
 * Keeps only what a proposal may say: known ids, each in one group, groups of two or more.
 * Petitions it leaves out simply stay ungrouped.
 */
export function validateProposal(raw: unknown, known: Set<number>): ProposedGroup[] {
  const parsed = proposalSchema.parse(raw);
  const used = new Set<number>();
  const groups: ProposedGroup[] = [];
  for (const group of parsed.groups) {
    const ids = group.ids.filter((id) => known.has(id) && !used.has(id));
    if (ids.length < 2) continue;
    for (const id of ids) used.add(id);
    groups.push({ title: excerpt(group.title, TITLE_MAX), ids });
  }
  return groups;
}

const PROMPT_FILE = 'group.v1.md';
/** A petition's id in the answer, and the JSON around it, in tokens. */
const ITEM_OVERHEAD_TOKENS = 16;
/** The groups' titles in the answer, and a fallback's format hint, in tokens. */
const ANSWER_RESERVE_TOKENS = 600;

/** Asks the model for groups over one chunk (the gateway redacts the texts and the voters' names). */
async function proposeChunk(gateway: ModelGateway, items: LlmGroupCandidate[]): Promise<ProposedGroup[]> {
  const answer = await gateway.chat({
    feature: 'group',
    responseFormat: { type: 'json_object' },
    messages: [
      { role: 'system', content: loadPrompt(PROMPT_FILE).text },
      { role: 'user', data: items.map((item) => ({ id: item.id, text: item.text })) },
    ],
    names: items.flatMap((item) => [item.voter?.name, item.speaker].filter((name): name is string => !!name)),
    maxTextChars: LLM_TEXT_CHARS,
  });
  return validateProposal(extractJson(answer.content), new Set(items.map((item) => item.id)));
}

/** Chunks of at most LLM_CHUNK petitions that fit the context window with the prompt and the answer. */
export function groupingChunks<T extends GroupCandidate>(items: T[], contextTokens: number): T[][] {
  const budget = contextTokens - estimateTokens(loadPrompt(PROMPT_FILE).text) - ANSWER_RESERVE_TOKENS;
  const cost = (item: T) => estimateTokens(item.text.slice(0, LLM_TEXT_CHARS)) + ITEM_OVERHEAD_TOKENS;
  return packByTokens(items, cost, budget, LLM_CHUNK);
}

export async function proposeGroupsWithLlm(
  config: Config,
  items: LlmGroupCandidate[],
  options: { db?: Db; log?: Logger } = {},
): Promise<ProposedGroup[]> {
  const gateway = createModelGateway(config, options);
  const groups: ProposedGroup[] = [];
  for (const chunk of groupingChunks(items, gateway.contextTokens))
    groups.push(...(await proposeChunk(gateway, chunk)));
  return groups;
}

export interface GroupingRun {
  method: 'llm' | 'similarity';
  created: number;
  joined: number;
}

export interface GroupingOptions {
  from?: Date;
  to?: Date;
  /** Use the LLM when configured (default true); the deterministic method otherwise or on failure. */
  llm?: boolean;
  threshold?: number;
  log?: Logger;
}

/** Groups the petitions that have no group yet; returns what it stored. */
export async function groupPetitions(db: Db, config: Config, options: GroupingOptions = {}): Promise<GroupingRun> {
  const received = options.from || options.to ? { gte: options.from, lt: options.to } : undefined;
  const ungrouped = await db.petition.findMany({
    where: { groupId: null, status: { notIn: GROUPING_STATUSES_EXCLUDED }, receivedAt: received },
    orderBy: { id: 'asc' },
    select: { id: true, text: true, summary: true, speaker: true, voter: { select: { name: true } } },
  });
  if (ungrouped.length === 0) return { method: 'similarity', created: 0, joined: 0 };
  if (options.llm !== false && config.llmEnabled) {
    try {
      const proposed = await proposeGroupsWithLlm(config, ungrouped, { db, log: options.log });
      return { method: 'llm', ...(await storeNewGroups(db, proposed, ungrouped)) };
    } catch (error) {
      options.log?.warn({ err: error }, 'LLM grouping failed; using text similarity');
    }
  }
  return { method: 'similarity', ...(await groupBySimilarity(db, ungrouped, options.threshold ?? DEFAULT_THRESHOLD)) };
}

async function groupBySimilarity(db: Db, ungrouped: GroupCandidate[], threshold: number) {
  const open = (
    await db.petitionGroup.findMany({
      where: { confirmed: false },
      include: { petitions: { select: { id: true, text: true, summary: true }, orderBy: { id: 'asc' } } },
      orderBy: { id: 'asc' },
    })
  ).filter((group) => group.petitions.length > 0);
  const members = open.flatMap((group) => group.petitions);
  const clusters = clusterBySimilarity([...members, ...ungrouped], {
    threshold,
    seeds: open.map((group) => group.petitions.map((p) => p.id)),
  });
  let joined = 0;
  const fresh: ProposedGroup[] = [];
  for (const [index, ids] of clusters.entries()) {
    const group = open[index];
    if (index < open.length && group) {
      const newcomers = ids.filter((id) => !group.petitions.some((p) => p.id === id));
      if (newcomers.length)
        await db.petition.updateMany({ where: { id: { in: newcomers }, groupId: null }, data: { groupId: group.id } });
      joined += newcomers.length;
    } else if (ids.length >= 2) {
      fresh.push({ title: null, ids });
    }
  }
  const { created } = await storeNewGroups(db, fresh, ungrouped);
  return { created, joined };
}

async function storeNewGroups(db: Db, groups: ProposedGroup[], petitions: GroupCandidate[]) {
  const byId = new Map(petitions.map((p) => [p.id, p]));
  let created = 0;
  for (const proposal of groups) {
    await transaction(db, async (tx) => {
      const title = proposal.title ?? themeTitle(byId.get(proposal.ids[0]!)!);
      const group = await tx.petitionGroup.create({ data: { title } });
      // groupId: null guards against a concurrent run having grouped one of them already.
      const moved = await tx.petition.updateMany({
        where: { id: { in: proposal.ids }, groupId: null },
        data: { groupId: group.id },
      });
      if (moved.count < 2) {
        await tx.petition.updateMany({ where: { groupId: group.id }, data: { groupId: null } });
        await tx.petitionGroup.delete({ where: { id: group.id } });
        return;
      }
      created++;
    });
  }
  return { created, joined: 0 };
}

export class GroupingError extends Error {}

/** Staff confirm a group: automatic runs no longer change its members. */
export async function confirmGroup(db: Db, groupId: number, actor: string, title?: string): Promise<void> {
  const group = await db.petitionGroup.findUnique({ where: { id: groupId } });
  if (!group) throw new GroupingError(`Không có nhóm số ${groupId}.`);
  await db.petitionGroup.update({
    where: { id: groupId },
    data: { confirmed: true, title: title?.trim() || group.title },
  });
  await audit(db, {
    actor,
    action: 'group.confirm',
    entity: 'PetitionGroup',
    entityId: groupId,
    after: { title: title ?? group.title },
  });
}

/** Moves every petition of the source groups into the target and removes the emptied groups. */
export async function mergeGroups(db: Db, targetId: number, sourceIds: number[], actor: string): Promise<number> {
  const sources = sourceIds.filter((id) => id !== targetId);
  return transaction(db, async (tx) => {
    const found = await tx.petitionGroup.findMany({ where: { id: { in: [targetId, ...sources] } } });
    const missing = [targetId, ...sources].find((id) => !found.some((g) => g.id === id));
    if (missing !== undefined) throw new GroupingError(`Không có nhóm số ${missing}.`);
    const moved = await tx.petition.updateMany({ where: { groupId: { in: sources } }, data: { groupId: targetId } });
    await tx.petitionGroup.deleteMany({ where: { id: { in: sources } } });
    await tx.petitionGroup.update({ where: { id: targetId }, data: { confirmed: true } });
    await audit(tx, {
      actor,
      action: 'group.merge',
      entity: 'PetitionGroup',
      entityId: targetId,
      after: { merged: sources, moved: moved.count },
    });
    return moved.count;
  });
}

/** Takes the named petitions (tracking codes) out of a group into a new, confirmed group. */
export async function splitGroup(
  db: Db,
  groupId: number,
  trackingCodes: string[],
  actor: string,
  title?: string,
): Promise<number> {
  return transaction(db, async (tx) => {
    const codes = trackingCodes.map((code) => code.trim().toUpperCase());
    const petitions = await tx.petition.findMany({
      where: { groupId, trackingCode: { in: codes } },
      orderBy: { id: 'asc' },
    });
    if (petitions.length === 0) throw new GroupingError(`Nhóm số ${groupId} không có ý kiến nào trong danh sách.`);
    const group = await tx.petitionGroup.create({
      data: { title: title?.trim() || themeTitle(petitions[0]!), confirmed: true },
    });
    await tx.petition.updateMany({ where: { id: { in: petitions.map((p) => p.id) } }, data: { groupId: group.id } });
    await tx.petitionGroup.update({ where: { id: groupId }, data: { confirmed: true } });
    await audit(tx, {
      actor,
      action: 'group.split',
      entity: 'PetitionGroup',
      entityId: groupId,
      after: { newGroup: group.id, moved: codes },
    });
    return group.id;
  });
}

/** Gives a group a new title; its members and confirmation stay as they are. */
export async function renameGroup(db: Db, groupId: number, title: string, actor: string): Promise<void> {
  const wanted = excerpt(title.replace(/\s+/g, ' ').trim(), TITLE_MAX);
  if (!wanted) throw new GroupingError('Tên chủ đề không được để trống.');
  await transaction(db, async (tx) => {
    const group = await tx.petitionGroup.findUnique({ where: { id: groupId } });
    if (!group) throw new GroupingError(`Không có nhóm số ${groupId}.`);
    await tx.petitionGroup.update({ where: { id: groupId }, data: { title: wanted } });
    await audit(tx, {
      actor,
      action: 'group.rename',
      entity: 'PetitionGroup',
      entityId: groupId,
      before: { title: group.title },
      after: { title: wanted },
    });
  });
}

export interface MoveResult {
  moved: number;
  /** The source group was emptied and removed. */
  sourceRemoved: boolean;
}

/**
 * Moves the named petitions (tracking codes) of one group into another. Both groups become
 * confirmed, so an automatic run does not undo the move; an emptied source group is removed.
 */
export async function movePetitions(
  db: Db,
  sourceId: number,
  trackingCodes: string[],
  targetId: number,
  actor: string,
): Promise<MoveResult> {
  if (sourceId === targetId) throw new GroupingError('Nhóm đích phải khác nhóm hiện tại.');
  return transaction(db, async (tx) => {
    const found = await tx.petitionGroup.findMany({ where: { id: { in: [sourceId, targetId] } } });
    const missing = [sourceId, targetId].find((id) => !found.some((g) => g.id === id));
    if (missing !== undefined) throw new GroupingError(`Không có nhóm số ${missing}.`);
    const codes = trackingCodes.map((code) => code.trim().toUpperCase());
    const moved = await tx.petition.updateMany({
      where: { groupId: sourceId, trackingCode: { in: codes } },
      data: { groupId: targetId },
    });
    if (moved.count === 0) throw new GroupingError(`Nhóm số ${sourceId} không có ý kiến nào trong danh sách.`);
    await tx.petitionGroup.update({ where: { id: targetId }, data: { confirmed: true } });
    const left = await tx.petition.count({ where: { groupId: sourceId } });
    if (left === 0) await tx.petitionGroup.delete({ where: { id: sourceId } });
    else await tx.petitionGroup.update({ where: { id: sourceId }, data: { confirmed: true } });
    await audit(tx, {
      actor,
      action: 'group.move',
      entity: 'PetitionGroup',
      entityId: sourceId,
      after: { target: targetId, moved: codes, sourceRemoved: left === 0 },
    });
    return { moved: moved.count, sourceRemoved: left === 0 };
  });
}

export interface GroupListing {
  total: number;
  groups: {
    id: number;
    title: string;
    confirmed: boolean;
    createdAt: Date;
    /** Members counted (within the scope, when one is given). */
    petitions: number;
    /** The first few members, for quotes. */
    samples: { text: string; anonymous: boolean }[];
  }[];
}

export interface GroupListingOptions {
  /** Only petitions of these meetings count (a deputy's scope); groups with none are left out. */
  meetingIds?: number[];
  skip?: number;
  take?: number;
  samples?: number;
}

/** The members of a group a scoped reader counts: their meetings' petitions, not rejected ones or non-petitions. */
export function scopedMembers(meetingIds: number[]) {
  return { meetingId: { in: meetingIds }, status: { notIn: ['rejected', NOT_PETITION] } };
}

/** Groups with most members first, each with its member count and a few sample texts. */
export async function listGroups(db: Db, options: GroupListingOptions = {}): Promise<GroupListing> {
  const members = options.meetingIds ? scopedMembers(options.meetingIds) : undefined;
  const where = members ? { petitions: { some: members } } : {};
  const total = await db.petitionGroup.count({ where });
  const rows = await db.petitionGroup.findMany({
    where,
    orderBy: [{ petitions: { _count: 'desc' } }, { id: 'asc' }],
    skip: options.skip ?? 0,
    take: options.take ?? 50,
    include: {
      _count: { select: { petitions: members ? { where: members } : true } },
      // A few more than needed: quotes that read the same are shown once.
      petitions: { where: members, orderBy: { id: 'asc' }, take: (options.samples ?? 2) + 3 },
    },
  });
  return {
    total,
    groups: rows.map((row) => ({
      id: row.id,
      title: row.title,
      confirmed: row.confirmed,
      createdAt: row.createdAt,
      petitions: row._count.petitions,
      samples: row.petitions.map((p) => ({ text: p.text, anonymous: p.anonymous })),
    })),
  };
}
