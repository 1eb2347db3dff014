// The Word and Excel reports and the export: built from the fixed set, opened again with
// real parsers (mammoth, exceljs) and checked against the database; the CLI as a real
// process; /baocao end to end through the fake Telegram server.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.ts';
import type { Db } from '../../src/db/client.ts';
import { dayRange } from '../../src/digests/calendar.ts';
import { buildReport } from '../../src/reports/index.ts';
import { csvCell } from '../../src/reports/export.ts';
import { newUserId, textMessage } from '../fakes/telegram.ts';
import { freshDatabaseUrl, openDb } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';
import { seedFixedSet } from '../digests/seed.ts';
import { zipEntry } from './zip.ts';

const run = promisify(execFile);
const FROM = '2026-11-01';
const TO = '2026-11-30';
const config = parseConfig({ DATABASE_URL: 'file:/dev/null' });
let databaseUrl: string;
let db: Db;
/** A text found not to be a petition, received in the period at a meeting. */
const NOT_A_PETITION = '😀😀👍';
/** What reports leave out. */
const LEFT_OUT = ['rejected', 'not_petition'];

beforeAll(async () => {
  databaseUrl = freshDatabaseUrl();
  db = await openDb(databaseUrl);
  await seedFixedSet(db);
  const meeting = await db.meeting.findUniqueOrThrow({ where: { code: 'HN-01' } });
  await db.petition.create({
    data: {
      trackingCode: 'KN-2026-990001',
      channel: 'telegram',
      text: NOT_A_PETITION,
      textNormalized: NOT_A_PETITION,
      meetingId: meeting.id,
      status: 'not_petition',
      authority: 'commune',
      field: 'other',
      receivedAt: new Date('2026-11-28T10:00:00+07:00'),
    },
  });
});
afterAll(async () => {
  await db.$disconnect();
});

/** What the database says the report must count. */
async function expectedCounts() {
  const { start, end } = dayRange(FROM, TO, config.TZ);
  const where = { receivedAt: { gte: start, lt: end }, status: { notIn: LEFT_OUT } };
  const byAuthority = await db.petition.groupBy({ by: ['authority'], where, _count: true });
  return {
    total: await db.petition.count({ where }),
    byAuthority: new Map(byAuthority.map((row) => [row.authority, row._count])),
    meetings: await db.meeting.count({ where: { startsAt: { gte: start, lt: end }, status: { not: 'cancelled' } } }),
  };
}

describe('Word report', () => {
  it('has the usual shape and the database’s counts', async () => {
    const expected = await expectedCounts();
    const report = await buildReport(db, config, { from: FROM, to: TO, format: 'docx' });
    expect(report.petitions).toBe(expected.total);
    const { value: text } = await mammoth.extractRawText({ buffer: report.buffer });
    expect(text).toContain('BÁO CÁO');
    expect(text).toContain('Tổng hợp ý kiến, kiến nghị cử tri');
    expect(text).toContain('Từ ngày 01/11/2026 đến ngày 30/11/2026');
    expect(text).toContain(`đã tổ chức ${expected.meetings} hội nghị tiếp xúc cử tri (dự kiến 250 cử tri tham dự)`);
    expect(text).toContain(`gửi ${expected.total} ý kiến, kiến nghị`);
    expect(text).toContain(`1. Thuộc thẩm quyền Trung ương (${expected.byAuthority.get('central')} ý kiến)`);
    expect(text).toContain(`2. Thuộc thẩm quyền Thành phố/tỉnh (${expected.byAuthority.get('city')} ý kiến)`);
    expect(text).toContain(`3. Thuộc thẩm quyền Xã/phường/đặc khu (${expected.byAuthority.get('commune')} ý kiến)`);
    expect(text).toContain(`4. Thuộc thẩm quyền Chưa phân loại (${expected.byAuthority.get(null)} ý kiến)`);
    // The paraphrased flooding petitions are one theme of 3 voters from 2 meetings.
    expect(text).toMatch(/\(3 cử tri, 2 hội nghị, 3 ý kiến\)/);
    expect(text).not.toMatch(/Cử tri \d/);
    expect(text).not.toContain(NOT_A_PETITION);
  });

  it('follows the administrative format: header, number, place and date, signature, page layout', async () => {
    const office = parseConfig({
      DATABASE_URL: 'file:/dev/null',
      OFFICE_PARENT: 'Hội đồng nhân dân thành phố Hà Nội',
      OFFICE_NAME: 'Văn phòng Đoàn ĐBQH và HĐND thành phố Hà Nội',
      OFFICE_PLACE: 'Hà Nội',
      REPORT_SIGNER_TITLE: 'Chánh Văn phòng',
      REPORT_SIGNER_NAME: 'Nguyễn Văn Bình',
    });
    const now = new Date('2026-12-02T09:00:00+07:00');
    const report = await buildReport(db, office, { from: FROM, to: TO, format: 'docx' }, now);
    const { value: text } = await mammoth.extractRawText({ buffer: report.buffer });
    const lines = text.split('\n').filter(Boolean);
    // Left column: governing body over the issuing office, then the number left blank; right: the motto.
    expect(lines.slice(0, 4)).toEqual([
      'HỘI ĐỒNG NHÂN DÂN THÀNH PHỐ HÀ NỘI',
      'VĂN PHÒNG ĐOÀN ĐBQH VÀ HĐND THÀNH PHỐ HÀ NỘI',
      '――――――',
      'Số: …………/BC-…………',
    ]);
    expect(lines).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(lines).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(lines).toContain('Hà Nội, ngày 02 tháng 12 năm 2026');
    expect(lines).toContain('Nơi nhận:');
    expect(lines).toContain('- Lưu: VT.');
    expect(lines).toContain('CHÁNH VĂN PHÒNG');
    expect(lines.at(-1)).toBe('Nguyễn Văn Bình');
    const xml = zipEntry(report.buffer, 'word/document.xml');
    // A4 with the decree's margins (twips: 20 mm top and bottom, 30 mm left, 15 mm right).
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(xml).toMatch(/<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701"/);
    expect(xml).toContain('<w:titlePg/>');
    expect(xml).not.toMatch(/w:ascii="(?!Times New Roman)/);
    const sizes = [...xml.matchAll(/<w:sz w:val="(\d+)"\/>/g)].map((m) => Number(m[1]));
    expect(sizes).toContain(26);
    expect(sizes.every((size) => size >= 20 && size <= 28)).toBe(true);
    const headers = ['word/header1.xml', 'word/header2.xml'].map((name) => zipEntry(report.buffer, name)).join('');
    expect(headers).toMatch(/<w:instrText[^>]*>PAGE<\/w:instrText>/);
  });

  it('leaves the signer and place blank to fill when they are not set', async () => {
    const report = await buildReport(db, config, { from: FROM, to: TO, format: 'docx' });
    const { value: text } = await mammoth.extractRawText({ buffer: report.buffer });
    expect(text).toMatch(/^…………, ngày \d{2} tháng \d{1,2} năm \d{4}$/m);
    expect(text).toContain('VĂN PHÒNG ĐOÀN ĐBQH VÀ HĐND');
    expect(text.trim().split('\n').at(-1)).toBe('…………');
  });

  it('counts a meeting as held only once it has ended', async () => {
    const now = new Date('2026-11-21T12:00:00+07:00');
    const report = await buildReport(db, config, { from: FROM, to: TO, format: 'docx' }, now);
    const { value: text } = await mammoth.extractRawText({ buffer: report.buffer });
    // HN-01 and HN-02 are over (120 and 80 voters expected); HN-03 starts the next day.
    expect(text).toContain('đã tổ chức 2 hội nghị tiếp xúc cử tri (dự kiến 200 cử tri tham dự)');
    expect(text).not.toContain('Tiếp xúc cử tri HN-03 (');
  });

  it('narrows to one meeting', async () => {
    const report = await buildReport(db, config, { from: FROM, to: TO, format: 'docx', meetingCode: 'hn-02' });
    const meeting = await db.meeting.findUniqueOrThrow({ where: { code: 'HN-02' } });
    expect(report.petitions).toBe(
      await db.petition.count({ where: { meetingId: meeting.id, status: { notIn: LEFT_OUT } } }),
    );
    expect(report.fileName).toBe('bao-cao-kien-nghi-2026-11-01-2026-11-30-HN-02.docx');
  });
});

describe('Excel workbook', () => {
  it('has a summary, every petition once, and a sheet per authority level', async () => {
    const expected = await expectedCounts();
    const report = await buildReport(db, config, { from: FROM, to: TO, format: 'xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(report.buffer as unknown as ArrayBuffer);
    const names = workbook.worksheets.map((s) => s.name);
    expect(names).toEqual([
      'Tổng hợp',
      'Tất cả ý kiến',
      'Trung ương',
      'Thành phố-tỉnh',
      'Xã-phường-đặc khu',
      'Chưa phân loại',
    ]);
    const all = workbook.getWorksheet('Tất cả ý kiến')!;
    expect(all.rowCount - 1).toBe(expected.total);
    expect(all.getRow(1).getCell(1).value).toBe('Mã ý kiến');
    const codes = new Set<string>();
    all.eachRow((row, n) => n > 1 && codes.add(String(row.getCell(1).value)));
    expect(codes.size).toBe(expected.total);
    expect(workbook.getWorksheet('Trung ương')!.rowCount - 1).toBe(expected.byAuthority.get('central'));
    expect(workbook.getWorksheet('Xã-phường-đặc khu')!.rowCount - 1).toBe(expected.byAuthority.get('commune'));
    const summary = workbook.getWorksheet('Tổng hợp')!;
    const totalRow = summary.getRow(summary.rowCount);
    expect([totalRow.getCell(1).value, totalRow.getCell(3).value]).toEqual(['Tổng cộng', expected.total]);
  });

  it('writes dates as date cells, freezes and filters the header, and shows channels in words', async () => {
    const report = await buildReport(db, config, { from: FROM, to: TO, format: 'xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(report.buffer as unknown as ArrayBuffer);
    const all = workbook.getWorksheet('Tất cả ý kiến')!;
    expect(all.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(all.autoFilter).toBeTruthy();
    const code = String(all.getRow(2).getCell(1).value);
    const petition = await db.petition.findUniqueOrThrow({ where: { trackingCode: code } });
    const received = all.getRow(2).getCell(2);
    expect(received.value).toBeInstanceOf(Date);
    expect(received.numFmt).toBe('dd/mm/yyyy hh:mm');
    // The office's wall clock (UTC+7) is what the cell shows.
    expect((received.value as Date).getTime() - petition.receivedAt.getTime()).toBe(7 * 3600_000);
    expect(all.getRow(2).getCell(5).value).toBe('Telegram');
    expect([all.getColumn(1).width, all.getColumn(6).width]).toEqual([16, 60]);
  });
});

describe('CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiennghi-report-'));
  const cli = (...args: string[]) =>
    run(process.execPath, ['bin/kiennghi.js', ...args], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' },
    });

  it('writes the report file', async () => {
    const out = join(dir, 'r.xlsx');
    const { stdout } = await cli(
      'report',
      '--from',
      '01/11/2026',
      '--to',
      '30/11/2026',
      '--format',
      'xlsx',
      '--out',
      out,
    );
    const expected = await expectedCounts();
    expect(stdout).toContain(`${expected.total} ý kiến`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    expect(workbook.getWorksheet('Tất cả ý kiến')!.rowCount - 1).toBe(expected.total);
  });

  it('keeps CSV cells that look like formulas as text', () => {
    expect(csvCell('=HYPERLINK("http://x.test","bấm")')).toBe(`"'=HYPERLINK(""http://x.test"",""bấm"")"`);
    expect(csvCell('+84 912 345 678')).toBe("'+84 912 345 678");
    expect(csvCell('@ban')).toBe("'@ban");
    expect(csvCell('Đường ngập, cần nạo vét')).toBe('"Đường ngập, cần nạo vét"');
    expect(csvCell(-3)).toBe('-3');
  });

  it('exports petitions, personal data only when asked, and logs every export', async () => {
    const plain = await cli('export', '--format', 'jsonl');
    const rows = plain.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows).toHaveLength(await db.petition.count());
    expect(rows[0]).toHaveProperty('status');
    expect(rows[0]).toHaveProperty('authority');
    // The export keeps everything, a text that is not a petition marked by its status.
    expect(rows.find((r) => r.text === NOT_A_PETITION)).toMatchObject({ status: 'not_petition' });
    expect(rows.some((r) => 'voterName' in r)).toBe(false);
    expect(plain.stderr).toContain('petitions exported');

    const csvFile = join(dir, 'p.csv');
    await cli('export', '--format', 'csv', '--with-personal-data', '--out', csvFile);
    const csv = readFileSync(csvFile, 'utf8');
    expect(csv.startsWith('\uFEFFtrackingCode,')).toBe(true);
    expect(csv.split('\r\n')[0]).toContain('voterName');
    expect(csv).toContain('Cử tri 1');
    // The anonymous sender (voter 3) is never named, even with --with-personal-data.
    expect(csv).not.toContain('Cử tri 3');
    const logged = await db.auditLog.findMany({ where: { action: 'export' }, orderBy: { id: 'asc' } });
    expect(logged.map((l) => JSON.parse(l.after!))).toMatchObject([
      { format: 'jsonl', withPersonalData: false, count: rows.length },
      { format: 'csv', withPersonalData: true, destination: csvFile },
    ]);
  });
});

describe('/baocao in the chat', () => {
  const fx = useFakes({ telegram: true });

  it('sends the report as a document to staff, and refuses voters', async () => {
    const staff = newUserId();
    const app = await fx.start({ ADMIN_TELEGRAM_IDS: String(staff) });
    await seedFixedSet(app.db);
    const [caption] = await fx.say(textMessage(staff, '/baocao 01/11/2026 30/11/2026 xlsx'));
    const call = fx.telegram.sent.at(-1)!;
    expect(call.method).toBe('sendDocument');
    expect(caption).toContain('01/11/2026');
    const { start, end } = dayRange(FROM, TO, config.TZ);
    const total = await app.db.petition.count({
      where: { receivedAt: { gte: start, lt: end }, status: { not: 'rejected' } },
    });
    expect(caption).toContain(`${total} ý kiến`);
    const outbox = await app.db.outboxMessage.findFirstOrThrow({
      where: { chatId: String(staff) },
      orderBy: { id: 'desc' },
    });
    const file = JSON.parse(outbox.payload).file;
    expect(file).toMatchObject({ kind: 'document', name: 'bao-cao-kien-nghi-2026-11-01-2026-11-30.xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    expect(workbook.getWorksheet('Tất cả ý kiến')!.rowCount - 1).toBe(total);

    const [usage] = await fx.say(textMessage(staff, '/baocao hom nay'));
    expect(usage).toContain('Cách dùng');
    const [refused] = await fx.say(textMessage(newUserId(), '/baocao 01/11/2026 30/11/2026'));
    expect(refused).toContain('chỉ dành cho cán bộ');
  });
});
