// The read-only JSON API for other systems (the city's portals, the office's own tools):
// GET /api/v1/petitions, the petitions table with the same query parameters, its fields
// named after Open311 GeoReport v2 where they fit; GET /api/v1/stats, the /thongke figures.
// Every call needs a bearer token (401 without one, 403 outside its scope) and is written
// to the audit log under the token's name. No voter's identity ever leaves through here,
// and petition texts leave redacted of personal data.
import type { Context, Hono } from 'hono';
import type { Config } from '../config/index.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';
import { taxonomyLabels } from '../classify/labels.ts';
import { parsePetitionFilter, petitionWhere, searchPetitions } from '../petitions/query.ts';
import { audit } from '../staff/access.ts';
import { overdueAnswers, summary, type CountRow } from '../stats/queries.ts';
import { serviceRequest } from './open311.ts';
import { authenticateApiToken, scopeAllows, type ApiScope } from './tokens.ts';

export interface ApiDeps {
  db: Db;
  config: Config;
  log: Logger;
}

type Status = 200 | 400 | 401 | 403 | 404;

function problem(c: Context, status: Status, error: string, message: string, extra: object = {}): Response {
  return c.json({ error, message, ...extra }, status);
}

/** Mounts the API on the bot's HTTP server. */
export function mountApi(app: Hono, deps: ApiDeps): void {
  app.get('/api/v1/petitions', (c) => guarded(c, deps, 'read:petitions', () => petitions(c, deps)));
  app.get('/api/v1/stats', (c) => guarded(c, deps, 'read:stats', () => stats(c, deps)));
  app.all('/api/*', (c) =>
    problem(c, 404, 'not_found', 'Không có địa chỉ này trong API (xem /api/v1/petitions, /api/v1/stats).'),
  );
}

/** Checks the bearer token and its scope, answers, and writes the call to the audit log. */
async function guarded(
  c: Context,
  deps: ApiDeps,
  needed: ApiScope,
  answer: () => Promise<{ response: Response; count?: number }>,
): Promise<Response> {
  const header = c.req.header('authorization') ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
  const caller = token ? await authenticateApiToken(deps.db, token, new Date()) : null;
  if (!caller) {
    c.header('WWW-Authenticate', 'Bearer realm="kiennghi"');
    return problem(c, 401, 'unauthorized', 'Cần mã truy cập hợp lệ: Authorization: Bearer <mã>.');
  }
  const url = new URL(c.req.url);
  const record = async (status: number, count?: number) =>
    audit(deps.db, {
      actor: `api:${caller.name}`,
      action: 'api.call',
      entity: 'Api',
      entityId: url.pathname,
      after: { query: url.search, status, ...(count === undefined ? {} : { count }) },
    });
  if (!scopeAllows(caller.scope, needed)) {
    await record(403);
    return problem(c, 403, 'forbidden', `Mã truy cập này chỉ có quyền ${caller.scope}, không đủ quyền ${needed}.`);
  }
  const { response, count } = await answer();
  await record(response.status, count);
  return response;
}

async function petitions(c: Context, deps: ApiDeps) {
  const url = new URL(c.req.url);
  const query = parsePetitionFilter(url.searchParams);
  if (query.problems.length) {
    return { response: problem(c, 400, 'bad_request', query.problems.join(' '), { problems: query.problems }) };
  }
  const labels = taxonomyLabels(deps.config.TAXONOMY);
  const result = await searchPetitions(deps.db, deps.config, query.filter, query.page, { redacted: true });
  if (result.nextCursor) {
    const next = new URL(url);
    next.searchParams.set('after', result.nextCursor);
    c.header('Link', `<${next.pathname}${next.search}>; rel="next"`);
  }
  const body = {
    total: result.total,
    next_cursor: result.nextCursor,
    ...(result.problems.length ? { not_found: result.problems } : {}),
    service_requests: result.rows.map((row) => serviceRequest(row, labels, deps.config.TZ)),
  };
  return { response: c.json(body), count: result.rows.length };
}

const rowsOf = (rows: CountRow[]) => rows.map(({ key, label, count }) => ({ key, label, count }));

async function stats(c: Context, deps: ApiDeps) {
  const query = parsePetitionFilter(new URL(c.req.url).searchParams);
  if (query.problems.length) {
    return { response: problem(c, 400, 'bad_request', query.problems.join(' '), { problems: query.problems }) };
  }
  const labels = taxonomyLabels(deps.config.TAXONOMY);
  const { where, problems } = await petitionWhere(deps.db, deps.config, query.filter);
  const figures = await summary(deps.db, where, labels);
  const body = {
    total: figures.total,
    voters: figures.voters,
    overdue_answers: await overdueAnswers(deps.db, where, new Date()),
    by_status: rowsOf(figures.byStatus),
    by_authority_level: rowsOf(figures.byAuthority),
    by_field: rowsOf(figures.byField),
    top_meetings: rowsOf(figures.topMeetings),
    ...(problems.length ? { not_found: problems } : {}),
  };
  return { response: c.json(body) };
}
