// The read-only API over real HTTP: tokens made, listed and revoked with the real `kiennghi
// api-token` command, 401 and 403, Open311 fields, no voter identity and redacted texts,
// keyset pages, the /thongke figures, and every call in the audit log by token name.
import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '../../src/api/tokens.ts';
import { transaction } from '../../src/db/sql.ts';
import { storePetition } from '../../src/intake/petitions.ts';
import type { App } from '../../src/main.ts';
import { startTestApp } from '../helpers/app.ts';
import { runKiennghi } from '../helpers/cli.ts';

const TZ = 'Asia/Ho_Chi_Minh';
let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function seed(target: App): Promise<string[]> {
  const meeting = await target.db.meeting.create({
    data: {
      code: 'HN-API',
      title: 'Tiếp xúc cử tri phường Láng',
      startsAt: new Date('2026-11-10T01:00:00Z'),
      place: 'Nhà văn hóa',
      status: 'closed',
    },
  });
  return transaction(target.db, async (tx) => {
    const voter = await tx.voter.create({
      data: {
        channel: 'telegram',
        channelUserId: '777',
        chatId: '777',
        name: 'Phạm Thị Lan',
        phone: '0987654321',
        consent: 'agreed',
      },
    });
    const texts = [
      'Tôi là Phạm Thị Lan, điện thoại 0987654321, đề nghị sửa đường ngõ 7 bị ngập.',
      'Đề nghị lắp đèn chiếu sáng ở ngõ 12 phố Láng Hạ.',
      'Kiến nghị sửa đổi Luật Đất đai về bồi thường.',
    ];
    const codes: string[] = [];
    for (const [i, text] of texts.entries()) {
      const stored = await storePetition(tx, {
        channel: 'telegram',
        voterId: voter.id,
        anonymous: false,
        meetingId: meeting.id,
        ward: null,
        text,
        media: [],
        now: new Date(Date.UTC(2026, 10, 10, 2 + i)),
        timeZone: TZ,
      });
      codes.push(stored.trackingCode);
    }
    await tx.job.deleteMany({ where: { type: 'classify' } });
    await tx.petition.update({
      where: { trackingCode: codes[0] },
      data: {
        authority: 'commune',
        field: 'traffic_infrastructure',
        status: 'forwarded',
        forwardedTo: 'UBND phường Láng',
        forwardedAt: new Date('2026-11-12T02:00:00Z'),
        answerDueAt: new Date('2026-12-12T02:00:00Z'),
      },
    });
    await tx.petition.update({ where: { trackingCode: codes[2] }, data: { authority: 'central', field: 'land' } });
    return codes;
  });
}

function call(path: string, token?: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${app!.port}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

describe('the read-only API', () => {
  it('makes, lists and revokes tokens on the command line, printing a token once', { timeout: 240_000 }, async () => {
    app = await startTestApp({});
    const url = app.config.DATABASE_URL;
    const created = await runKiennghi(url, [
      'api-token',
      'create',
      '--name',
      'cong-thanh-pho',
      '--scope',
      'read:stats',
    ]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^kn_[\w-]{40,}$/);
    expect(created.stderr).toContain('chỉ hiện một lần');
    expect((await app.db.apiToken.findUniqueOrThrow({ where: { name: 'cong-thanh-pho' } })).tokenHash).not.toContain(
      token,
    );
    expect((await call('/api/v1/stats', token)).status).toBe(200);
    const again = await runKiennghi(url, ['api-token', 'create', '--name', 'cong-thanh-pho', '--scope', 'read:stats']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Đã có mã truy cập tên "cong-thanh-pho"');
    await expect(createApiToken(app.db, 'x', 'write:all')).rejects.toThrow('Quyền không hợp lệ');
    await expect(createApiToken(app.db, 'có dấu cách', 'read:stats')).rejects.toThrow('Tên không hợp lệ');
    const list = await runKiennghi(url, ['api-token', 'list']);
    expect(list.stdout).toContain('cong-thanh-pho · read:stats');
    expect(list.stdout).toContain('đang dùng');
    expect(list.stdout).not.toContain(token);
    const revoked = await runKiennghi(url, ['api-token', 'revoke', 'cong-thanh-pho']);
    expect(revoked.stdout).toContain('Đã thu hồi');
    expect((await call('/api/v1/stats', token)).status).toBe(401);
    const listed = await runKiennghi(url, ['api-token', 'list', '--json']);
    const rows = JSON.parse(listed.stdout) as { name: string; revokedAt: string | null; lastUsedAt: string | null }[];
    expect(rows).toMatchObject([{ name: 'cong-thanh-pho' }]);
    expect(rows[0]!.revokedAt).not.toBeNull();
    expect(rows[0]!.lastUsedAt).not.toBeNull();
    expect(listed.stdout).not.toContain('tokenHash');
    await expect(revokeApiToken(app.db, 'khong-co', new Date())).rejects.toThrow('Không có mã truy cập tên "khong-co"');
  });

  it('answers 401 without a valid token and 403 outside its scope, as JSON', async () => {
    app = await startTestApp({});
    await seed(app);
    const stats = await createApiToken(app.db, 'so-lieu', 'read:stats');
    const none = await call('/api/v1/petitions');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(await none.json()).toMatchObject({ error: 'unauthorized' });
    expect((await call('/api/v1/stats', 'kn_not-a-real-token')).status).toBe(401);
    const forbidden = await call('/api/v1/petitions', stats);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: 'forbidden' });
    const figures = await call('/api/v1/stats', stats);
    expect(figures.status).toBe(200);
    // voters counts voter turns: one per chat petition, so one voter's three petitions are three.
    expect(await figures.json()).toMatchObject({ total: 3, voters: 3 });
    expect((await call('/api/v1/nothing', stats)).status).toBe(404);
  });

  it('lists petitions as Open311 service requests, redacted, with no voter identity, in keyset pages', async () => {
    app = await startTestApp({});
    const codes = await seed(app);
    const token = await createApiToken(app.db, 'cong-thong-tin', 'read:petitions');
    const response = await call('/api/v1/petitions?meeting=HN-API&limit=2', token);
    expect(response.status).toBe(200);
    const raw = await response.text();
    expect(raw).not.toContain('Phạm Thị Lan');
    expect(raw).not.toContain('0987654321');
    expect(raw).not.toMatch(/voter|phone|speaker/i);
    const page = JSON.parse(raw) as {
      total: number;
      next_cursor: string | null;
      service_requests: Record<string, unknown>[];
    };
    expect(page.total).toBe(3);
    expect(page.service_requests.map((r) => r.service_request_id)).toEqual([codes[2], codes[1]]);
    expect(response.headers.get('link')).toContain('rel="next"');
    const rest = await call(`/api/v1/petitions?meeting=HN-API&limit=2&after=${page.next_cursor}`, token);
    const last = (await rest.json()) as typeof page;
    expect(last.total).toBe(3);
    expect(last.next_cursor).toBeNull();
    const forwarded = last.service_requests[0]!;
    expect(forwarded).toMatchObject({
      service_request_id: codes[0],
      status: 'open',
      petition_status: 'forwarded',
      agency_responsible: 'UBND phường Láng',
      service_code: 'traffic_infrastructure',
      service_name: expect.any(String),
      authority_level: 'commune',
      meeting_code: 'HN-API',
      requested_datetime: '2026-11-10T09:00:00+07:00',
      expected_datetime: '2026-12-12T09:00:00+07:00',
    });
    expect(forwarded.updated_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
    expect(forwarded.status_notes).toContain('Đã chuyển');
    expect(forwarded.description).toContain('[số điện thoại]');
    expect(forwarded.description).toContain('sửa đường ngõ 7 bị ngập');
    // The same filters as the table, text search included.
    const search = (await (await call('/api/v1/petitions?q=luat dat dai', token)).json()) as typeof page;
    expect(search.service_requests.map((r) => r.service_request_id)).toEqual([codes[2]]);
    const bad = await call('/api/v1/petitions?from=2026-13-01', token);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'bad_request' });
    // read:petitions reads the figures too.
    const figures = (await (await call('/api/v1/stats?level=central', token)).json()) as Record<string, unknown>;
    expect(figures).toMatchObject({ total: 1, by_authority_level: [{ key: 'central', count: 1 }] });
  });

  it('writes every call to the audit log under the token name', async () => {
    app = await startTestApp({});
    await seed(app);
    const petitions = await createApiToken(app.db, 'bao-cao-noi-bo', 'read:petitions');
    const stats = await createApiToken(app.db, 'so-lieu', 'read:stats');
    await call('/api/v1/petitions?level=central', petitions);
    await call('/api/v1/stats', petitions);
    await call('/api/v1/petitions', stats);
    await call('/api/v1/petitions');
    const entries = await app.db.auditLog.findMany({ where: { action: 'api.call' }, orderBy: { id: 'asc' } });
    expect(entries.map((e) => [e.actor, e.entityId])).toEqual([
      ['api:bao-cao-noi-bo', '/api/v1/petitions'],
      ['api:bao-cao-noi-bo', '/api/v1/stats'],
      ['api:so-lieu', '/api/v1/petitions'],
    ]);
    expect(JSON.parse(entries[0]!.after!)).toMatchObject({ query: '?level=central', status: 200, count: 1 });
    expect(JSON.parse(entries[2]!.after!)).toMatchObject({ status: 403 });
  });
});
