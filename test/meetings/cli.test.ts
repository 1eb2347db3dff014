// `kiennghi meeting add` and `meeting import` read dates as the office types them: day first
// (dd/mm/yyyy HH:mm, Vietnam time) or ISO-8601; anything else is refused in one line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../helpers/app.ts';
import { runKiennghi } from '../helpers/cli.ts';

const kiennghi = (...args: string[]) => runKiennghi(databaseUrl, args);

let databaseUrl: string;

beforeEach(() => {
  databaseUrl = freshDatabaseUrl();
});

function add(code: string, start: string) {
  const title = 'Tiếp xúc cử tri phường Láng';
  return kiennghi('meeting', 'add', '--code', code, '--title', title, '--start', start, '--place', 'Nhà văn hóa tổ 5');
}

async function startsByCode(): Promise<Record<string, string>> {
  const listed = await kiennghi('meeting', 'list', '--json');
  expect(listed.code).toBe(0);
  const rows = JSON.parse(listed.stdout) as { code: string; startsAt: string; endsAt: string | null }[];
  return Object.fromEntries(rows.map((row) => [row.code, row.endsAt ? `${row.startsAt} ${row.endsAt}` : row.startsAt]));
}

describe('kiennghi meeting dates', () => {
  it('stores day-first and ISO-8601 starts as the same Vietnam-time instants', { timeout: 60_000 }, async () => {
    expect((await add('DAY-FIRST', '05/12/2026 08:00')).code).toBe(0);
    expect((await add('DAY-13', '13/12/2026 08:00')).code).toBe(0);
    expect((await add('ISO', '2026-12-05T08:00:00+07:00')).code).toBe(0);
    expect(await startsByCode()).toEqual({
      'DAY-FIRST': '2026-12-05T01:00:00.000Z',
      'DAY-13': '2026-12-13T01:00:00.000Z',
      ISO: '2026-12-05T01:00:00.000Z',
    });
  });

  it('refuses a month-first date with one line naming it', { timeout: 60_000 }, async () => {
    const refused = await add('US', '12/31/2026');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toEqual([
      'Dữ liệu không hợp lệ: start: Ngày giờ không hợp lệ: "12/31/2026" (dùng dd/mm/yyyy HH:mm hoặc ISO-8601)',
    ]);
    expect(await startsByCode()).toEqual({});
  });

  it('imports day-first dates from CSV and reports impossible ones by line', { timeout: 60_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kiennghi-csv-')), 'meetings.csv');
    writeFileSync(
      file,
      [
        'code,title,kind,start,end,place,ward,constituency,deputies',
        'CSV-A,Tiếp xúc cử tri A,before_session,05/12/2026 08:00,05/12/2026 11:00,Hội trường,,,',
        'CSV-B,Tiếp xúc cử tri B,other,2026-12-06T14:00:00+07:00,,Nhà văn hóa,,,',
        'CSV-C,Tiếp xúc cử tri C,other,31/02/2026 08:00,,Nhà văn hóa,,,',
      ].join('\n'),
    );
    const imported = await kiennghi('meeting', 'import', file);
    expect(imported.code).not.toBe(0);
    expect(imported.stderr.trim()).toBe(
      'Dòng 4: start: Ngày giờ không hợp lệ: "31/02/2026 08:00" (dùng dd/mm/yyyy HH:mm hoặc ISO-8601)',
    );
    expect(await startsByCode()).toEqual({
      'CSV-A': '2026-12-05T01:00:00.000Z 2026-12-05T04:00:00.000Z',
      'CSV-B': '2026-12-06T07:00:00.000Z',
    });
  });
});
