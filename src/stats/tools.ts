// The fixed set of read-only query functions the assistant's model may call. Arguments are
// typed and checked with zod; no SQL comes from the model; each tool needs a permission,
// and a role only ever sees (and can only run) the tools it is allowed.
import { z } from 'zod';
import type { Role } from '../core/types.ts';
import { formatDateTime } from '../core/time.ts';
import type { Db, Tx } from '../db/client.ts';
import { can, type Permission } from '../staff/access.ts';
import { findSchedule } from '../staff/schedule.ts';
import type { FilterSpec } from './filters.ts';
import type { Labels } from '../classify/labels.ts';
import { namedPeriod, PERIOD_NAMES, rangePeriod, type Period } from './period.ts';
import { breakdown, countPetitions, listPetitions, meetingsAbove } from './queries.ts';
import { scopedFilter } from './report.ts';
import type { StatsScope } from './scope.ts';

export interface ToolContext {
  db: Db | Tx;
  labels: Labels;
  role: Role;
  now: Date;
  timeZone: string;
  /** The wards of the WARDS setting (meetings' wards are always known). */
  wards?: string[];
  /** Filled by the tools: names of the voters whose petitions a result shows, for the gateway to remove. */
  personalNames?: Set<string>;
  /** A deputy's scope, applied to every filter (staff and admins: none). */
  scope?: StatsScope;
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

const periodArgs = {
  period: z.enum(PERIOD_NAMES).optional().describe('Khoảng thời gian đặt sẵn, tính theo giờ Việt Nam'),
  from: day.optional().describe('Ngày bắt đầu YYYY-MM-DD (dùng cùng to, thay cho period)'),
  to: day.optional().describe('Ngày kết thúc YYYY-MM-DD, tính cả ngày này'),
};

const filterArgs = z.object({
  ...periodArgs,
  ward: z.string().max(100).optional().describe('Tên phường/xã, có dấu hoặc không'),
  deputy: z.string().max(100).optional().describe('Họ tên đại biểu'),
  meeting_code: z.string().max(64).optional().describe('Mã hội nghị tiếp xúc cử tri'),
  authority: z.string().max(60).optional().describe('Mã cấp thẩm quyền (xem danh sách trong hướng dẫn)'),
  field: z.string().max(60).optional().describe('Mã lĩnh vực (xem danh sách trong hướng dẫn)'),
  status: z.string().max(60).optional().describe('Mã trạng thái (xem danh sách trong hướng dẫn)'),
});
type FilterArgs = z.infer<typeof filterArgs>;

interface ToolDef<S extends z.ZodType> {
  name: string;
  description: string;
  permission: Permission;
  schema: S;
  run(args: z.infer<S>, ctx: ToolContext): Promise<unknown>;
}

function tool<S extends z.ZodType>(def: ToolDef<S>): ToolDef<S> {
  return def;
}

function periodOf(
  args: { period?: (typeof PERIOD_NAMES)[number]; from?: string; to?: string },
  ctx: ToolContext,
): Period | undefined {
  if (args.from || args.to) return rangePeriod(args.from ?? args.to!, args.to ?? args.from!, ctx.timeZone);
  return args.period ? namedPeriod(args.period, ctx.now, ctx.timeZone) : undefined;
}

async function filterOf(args: FilterArgs, ctx: ToolContext) {
  const spec: FilterSpec = {
    period: periodOf(args, ctx),
    ward: args.ward,
    deputy: args.deputy,
    meetingCode: args.meeting_code,
    authority: args.authority,
    field: args.field,
    status: args.status,
  };
  const resolved = await scopedFilter(ctx.db, spec, ctx.labels, ctx.wards ?? [], ctx.scope);
  return { ...resolved, scope: { criteria: resolved.parts, not_found: resolved.problems } };
}

/** Records the names of the voters behind these petitions, so the gateway removes them from the summaries. */
async function noteVoterNames(ctx: ToolContext, trackingCodes: string[]): Promise<void> {
  if (!ctx.personalNames || trackingCodes.length === 0) return;
  const rows = await ctx.db.petition.findMany({
    where: { trackingCode: { in: trackingCodes }, voter: { name: { not: null } } },
    select: { voter: { select: { name: true } } },
  });
  for (const row of rows) if (row.voter?.name) ctx.personalNames.add(row.voter.name);
}

export const TOOLS = [
  tool({
    name: 'count_petitions',
    description:
      'Đếm số kiến nghị thỏa mãn các điều kiện (thời gian, phường/xã, đại biểu, hội nghị, cấp, lĩnh vực, trạng thái).',
    permission: 'stats',
    schema: filterArgs,
    async run(args, ctx) {
      const filter = await filterOf(args, ctx);
      // A criterion that named nothing known gets no count: a zero would read as an answer.
      if (filter.problems.length) return filter.scope;
      return { total: await countPetitions(ctx.db, filter.where), ...filter.scope };
    },
  }),
  tool({
    name: 'petition_breakdown',
    description:
      'Số kiến nghị chia theo lĩnh vực, cấp thẩm quyền, trạng thái hoặc hội nghị, với cùng các điều kiện lọc.',
    permission: 'stats',
    schema: filterArgs.extend({ by: z.enum(['field', 'authority', 'status', 'meeting']) }),
    async run(args, ctx) {
      const filter = await filterOf(args, ctx);
      const rows = await breakdown(ctx.db, filter.where, args.by, ctx.labels, 30);
      return {
        by: args.by,
        rows: rows.map((row) => ({ key: row.key, label: row.label, count: row.count })),
        ...filter.scope,
      };
    },
  }),
  tool({
    name: 'meetings_with_min_petitions',
    description:
      'Các hội nghị tiếp xúc cử tri có NHIỀU HƠN min_petitions ý kiến, kiến nghị (lọc thêm được theo thời gian, phường, lĩnh vực…).',
    permission: 'stats',
    schema: filterArgs.extend({ min_petitions: z.number().int().min(0).max(1_000_000) }),
    async run(args, ctx) {
      const filter = await filterOf(args, ctx);
      const rows = await meetingsAbove(ctx.db, args.min_petitions, filter.where, 50);
      return {
        more_than: args.min_petitions,
        meetings: rows.map((m) => ({
          code: m.code,
          title: m.title,
          ward: m.ward,
          starts_at: formatDateTime(m.startsAt, ctx.timeZone),
          petitions: m.petitions,
        })),
        ...filter.scope,
      };
    },
  }),
  tool({
    name: 'list_meetings',
    description:
      'Lịch các hội nghị tiếp xúc cử tri: thời gian, địa điểm, đại biểu, tình trạng. query: tên phường/xã, họ tên đại biểu, địa điểm hoặc mã hội nghị.',
    permission: 'schedule',
    schema: z.object({ ...periodArgs, query: z.string().max(100).optional() }),
    async run(args, ctx) {
      const items = await findSchedule(
        ctx.db,
        { period: periodOf(args, ctx), query: args.query },
        ctx.now,
        ctx.timeZone,
      );
      return {
        meetings: items.map((m) => ({
          code: m.code,
          title: m.title,
          starts_at: formatDateTime(m.startsAt, ctx.timeZone),
          place: m.ward ? `${m.place}, ${m.ward}` : m.place,
          deputies: m.deputies,
          status: m.status,
        })),
      };
    },
  }),
  tool({
    name: 'search_petitions',
    description:
      'Danh sách kiến nghị (mã, tình trạng, phân loại, tóm tắt nội dung; không có thông tin người gửi), mới nhất trước.',
    permission: 'petitions',
    schema: filterArgs.extend({ limit: z.number().int().min(1).max(20).default(10) }),
    async run(args, ctx) {
      const filter = await filterOf(args, ctx);
      const petitions = await listPetitions(ctx.db, filter.where.petition, ctx.labels, ctx.timeZone, args.limit);
      await noteVoterNames(
        ctx,
        petitions.map((p) => p.trackingCode),
      );
      return { petitions, ...filter.scope };
    },
  }),
];

/** The tools a role may use, as OpenAI function definitions. */
export function toolsFor(role: Role) {
  return TOOLS.filter((t) => can(role, t.permission)).map((t) => {
    const { $schema: _ignored, ...parameters } = z.toJSONSchema(t.schema, { io: 'input' }) as Record<string, unknown>;
    return { type: 'function' as const, function: { name: t.name, description: t.description, parameters } };
  });
}

/** Runs one tool call; refusals and bad arguments come back as `{error}` for the model. */
export async function runTool(name: string, rawArgs: string, ctx: ToolContext): Promise<unknown> {
  const def = TOOLS.find((t) => t.name === name);
  if (!def || !can(ctx.role, def.permission))
    return { error: `Công cụ ${name} không có hoặc vai trò này không được dùng.` };
  let json: unknown;
  try {
    json = rawArgs.trim() ? JSON.parse(rawArgs) : {};
  } catch {
    return { error: 'Tham số không phải JSON hợp lệ.' };
  }
  const parsed = def.schema.safeParse(json);
  if (!parsed.success)
    return {
      error: `Tham số không hợp lệ: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    };
  return (def.run as (args: unknown, ctx: ToolContext) => Promise<unknown>)(parsed.data, ctx);
}
