// Grouping: paraphrased duplicates together, different petitions apart, on a fixed set;
// stored groups keep the originals intact; the LLM only proposes and is checked.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import type { Db } from '../../src/db/client.ts';
import { confirmGroup, groupPetitions, mergeGroups, splitGroup, validateProposal } from '../../src/digests/grouping.ts';
import { clusterBySimilarity } from '../../src/digests/similarity.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.ts';
import { freshDatabaseUrl, openDb } from '../helpers/app.ts';

/** Each inner list says the same thing in different words (accents, no accents, word order). */
const FIXED_SET: string[][] = [
  [
    'Đề nghị sửa đường ngõ 12 phố Trần Duy Hưng, mưa là ngập.',
    'Ngo 12 Tran Duy Hung cu mua xuong la ngap sau, de nghi sua duong va thoat nuoc',
    'Mùa mưa ngõ 12 Trần Duy Hưng ngập nặng, cử tri đề nghị cải tạo đường và cống thoát nước.',
  ],
  [
    'Đề nghị tăng lương hưu cho người nghỉ hưu trước năm 1995 vì mức hưởng quá thấp.',
    'Lương hưu của cán bộ nghỉ hưu trước 1995 thấp, không đủ sống, đề nghị điều chỉnh tăng.',
  ],
  ['Đèn chiếu sáng ngõ 12 Trần Duy Hưng hỏng đã hai tháng chưa được thay.'],
  [
    'Rác thải tập kết ở đầu chợ Nghĩa Tân không được thu gom, bốc mùi hôi.',
    'Điểm tập kết rác đầu chợ Nghĩa Tân bốc mùi, đề nghị thu gom hằng ngày.',
    'rac o dau cho nghia tan khong ai thu gom, boc mui qua',
  ],
  ['Danh mục thuốc bảo hiểm y tế còn thiếu nhiều thuốc điều trị ung thư.'],
  ['Đề nghị miễn học phí cho học sinh trung học cơ sở trên địa bàn thành phố.'],
  ['Đề nghị sớm cấp giấy chứng nhận quyền sử dụng đất cho các hộ ở khu tái định cư Dịch Vọng.'],
];

function numbered() {
  let id = 0;
  const items = FIXED_SET.flatMap((texts) => texts.map((text) => ({ id: ++id, text })));
  let next = 0;
  const expected = FIXED_SET.map((texts) => texts.map(() => ++next));
  return { items, expected };
}

describe('text-similarity grouping (fixed set)', () => {
  it('puts paraphrased duplicates together and keeps different petitions apart', () => {
    const { items, expected } = numbered();
    expect(clusterBySimilarity(items)).toEqual(expected);
  });

  it('does not depend on the order the petitions arrive in', () => {
    const { items, expected } = numbered();
    const sorted = (groups: number[][]) =>
      groups.map((g) => [...g].sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
    expect(sorted(clusterBySimilarity([...items].reverse()))).toEqual(sorted(expected));
  });

  it('lets a new petition join an existing group without breaking the group up', () => {
    const { items } = numbered();
    const joined = clusterBySimilarity(
      [...items, { id: 99, text: 'Ngõ 12 Trần Duy Hưng ngập khi mưa, đề nghị sửa đường' }],
      { seeds: [[1, 2, 3]] },
    );
    expect(joined[0]).toEqual([1, 2, 3, 99]);
  });
});

let db: Db | undefined;
let llm: FakeOpenAI | undefined;
afterEach(async () => {
  await db?.$disconnect();
  await llm?.close();
  db = undefined;
  llm = undefined;
});

async function storeFixedSet(target: Db): Promise<number[]> {
  const ids: number[] = [];
  for (const [index, text] of FIXED_SET.flat().entries()) {
    const p = await target.petition.create({
      data: {
        trackingCode: `KN-2026-${String(index + 1).padStart(6, '0')}`,
        channel: 'telegram',
        text,
        textNormalized: text,
      },
    });
    ids.push(p.id);
  }
  return ids;
}

describe('stored groups', () => {
  it('groups in the database, keeps the originals untouched, and staff can split, merge and confirm', async () => {
    db = await openDb(freshDatabaseUrl());
    const ids = await storeFixedSet(db);
    const before = await db.petition.findMany({
      orderBy: { id: 'asc' },
      select: { id: true, text: true, trackingCode: true },
    });
    const run = await groupPetitions(db, parseConfig({ DATABASE_URL: 'file:/dev/null' }));
    expect(run).toEqual({ method: 'similarity', created: 3, joined: 0 });
    const groups = await db.petitionGroup.findMany({
      include: { petitions: { orderBy: { id: 'asc' } } },
      orderBy: { id: 'asc' },
    });
    expect(groups.map((g) => g.petitions.map((p) => p.id))).toEqual([
      ids.slice(0, 3),
      ids.slice(3, 5),
      ids.slice(6, 9),
    ]);
    expect(groups[0]!.title).toBe(FIXED_SET[0]![0]);
    const after = await db.petition.findMany({
      orderBy: { id: 'asc' },
      select: { id: true, text: true, trackingCode: true },
    });
    expect(after).toEqual(before);

    // A second run only adds newcomers to open groups.
    const late = await db.petition.create({
      data: {
        trackingCode: 'KN-2026-000100',
        channel: 'zalo',
        text: 'Đề nghị tăng lương hưu cho người về hưu trước 1995',
        textNormalized: '',
      },
    });
    expect(await groupPetitions(db, parseConfig({ DATABASE_URL: 'file:/dev/null' }))).toMatchObject({
      created: 0,
      joined: 1,
    });
    expect((await db.petition.findUniqueOrThrow({ where: { id: late.id } })).groupId).toBe(groups[1]!.id);

    const newGroup = await splitGroup(db, groups[0]!.id, ['kn-2026-000003'], 'staff:1', 'Cống thoát nước ngõ 12');
    expect((await db.petition.findUniqueOrThrow({ where: { id: ids[2]! } })).groupId).toBe(newGroup);
    const moved = await mergeGroups(db, groups[0]!.id, [newGroup], 'staff:1');
    expect(moved).toBe(1);
    expect(await db.petition.count({ where: { groupId: groups[0]!.id } })).toBe(3);
    await confirmGroup(db, groups[2]!.id, 'staff:1', 'Thu gom rác chợ Nghĩa Tân');
    expect(await db.petitionGroup.findUniqueOrThrow({ where: { id: groups[2]!.id } })).toMatchObject({
      confirmed: true,
      title: 'Thu gom rác chợ Nghĩa Tân',
    });
    expect(await db.auditLog.count({ where: { action: { startsWith: 'group.' } } })).toBe(3);
  });
});

describe('LLM grouping', () => {
  it('stores only checked proposals: known ids, each petition once, groups of two or more', async () => {
    db = await openDb(freshDatabaseUrl());
    const ids = await storeFixedSet(db);
    llm = await startFakeOpenAI();
    llm.respond(() => ({
      kind: 'answer',
      content: JSON.stringify({
        groups: [
          { title: 'Ngập ngõ 12 Trần Duy Hưng', ids: [ids[0], ids[1], ids[2], 99999] },
          { title: 'Lương hưu trước 1995', ids: [ids[3], ids[4], ids[0]] },
          { title: 'Một mình', ids: [ids[5]] },
        ],
      }),
    }));
    const config = parseConfig({
      DATABASE_URL: 'file:/dev/null',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.baseURL,
    });
    expect(await groupPetitions(db, config)).toEqual({ method: 'llm', created: 2, joined: 0 });
    const groups = await db.petitionGroup.findMany({
      include: { petitions: { orderBy: { id: 'asc' } } },
      orderBy: { id: 'asc' },
    });
    expect(groups.map((g) => [g.title, g.petitions.map((p) => p.id)])).toEqual([
      ['Ngập ngõ 12 Trần Duy Hưng', ids.slice(0, 3)],
      ['Lương hưu trước 1995', ids.slice(3, 5)],
    ]);
    // Every petition went to the model, once.
    const sent = llm.requests[0]!.json.messages!.find((m) => m.role === 'user')!.content;
    expect(JSON.parse(sent)).toHaveLength(FIXED_SET.flat().length);
  });

  it('falls back to text similarity when the model answers nonsense', async () => {
    db = await openDb(freshDatabaseUrl());
    await storeFixedSet(db);
    llm = await startFakeOpenAI();
    llm.respond(() => ({ kind: 'answer', content: '{"groups": "không"}' }));
    const config = parseConfig({
      DATABASE_URL: 'file:/dev/null',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.baseURL,
    });
    expect(await groupPetitions(db, config)).toEqual({ method: 'similarity', created: 3, joined: 0 });
  });

  it('validateProposal rejects malformed answers', () => {
    expect(() => validateProposal({ groups: [{ title: '', ids: [1, 2] }] }, new Set([1, 2]))).toThrow();
    expect(validateProposal({ groups: [{ title: 'x', ids: ['1', '2', '3'] }] }, new Set([1, 2]))).toEqual([
      { title: 'x', ids: [1, 2] },
    ]);
  });
});
