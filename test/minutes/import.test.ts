// Importing a meeting's minutes and lists: the split into petitions, the skipped paragraphs
// with their reasons, re-imports recognised by content, several voters, column mapping,
// voter counts in statistics and reports, and the CLI's --json.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { saveMeeting } from '../../src/meetings/service.ts';
import { importMinutes, type ImportReport } from '../../src/minutes/import.ts';
import { loadReportData } from '../../src/reports/data.ts';
import { countVoters } from '../../src/stats/queries.ts';
import { freshDatabaseUrl, openDb } from '../helpers/app.ts';
import { compiledReportDocx, LIST_CSV, MINUTES_TEXT, unusualListXlsx } from './documents.ts';
import { runKiennghi } from '../helpers/cli.ts';

const kiennghi = (...args: string[]) => runKiennghi(databaseUrl, args);

const TZ = 'Asia/Ho_Chi_Minh';
let db: Db;
let databaseUrl: string;

beforeEach(async () => {
  databaseUrl = freshDatabaseUrl();
  db = await openDb(databaseUrl);
  await saveMeeting(
    db,
    {
      code: 'BN-01',
      title: 'Tiếp xúc cử tri phường Bến Nghé',
      start: '05/12/2026 08:00',
      place: 'Nhà văn hóa khu phố 3',
    },
    TZ,
  );
});
afterEach(async () => {
  await db.$disconnect();
});

function run(fileName: string, content: string | Buffer, options: { dryRun?: boolean; columns?: string } = {}) {
  return importMinutes(db, {
    meetingCode: 'bn-01',
    fileName,
    content: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'),
    columns: options.columns,
    dryRun: options.dryRun ?? false,
    now: new Date('2026-12-05T05:00:00Z'),
    timeZone: TZ,
    actor: 'test',
  });
}

const brief = (report: ImportReport) =>
  report.petitions.map((p) => ({ speaker: p.speaker, area: p.area, text: p.text, voters: p.voters }));

describe('petition import: minutes as a secretary writes them', () => {
  it('splits speakers, several petitions in one turn and lists the rest with reasons; a dry run stores nothing', async () => {
    const report = await run('bien-ban.txt', MINUTES_TEXT, { dryRun: true });
    expect(brief(report)).toEqual([
      {
        speaker: 'Nguyễn Văn An',
        area: 'tổ dân phố 5, phường Bến Nghé',
        voters: 1,
        text: 'đường Lê Lợi ngập nặng mỗi khi mưa, đề nghị nạo vét cống.',
      },
      {
        speaker: 'Nguyễn Văn An',
        area: 'tổ dân phố 5, phường Bến Nghé',
        voters: 1,
        text: 'Đồng thời đề nghị lắp đèn chiếu sáng hẻm 12.',
      },
      // Raised by two speakers, the second with "cũng kiến nghị": one petition, two voters.
      {
        speaker: 'Trần Văn Bình; Võ Thị Phượng',
        area: 'khu phố 3',
        voters: 2,
        text: 'đề nghị tăng cường tuần tra ban đêm vì trộm cắp xe máy.',
      },
      {
        speaker: 'Lê Thị Cúc',
        area: null,
        voters: 1,
        text: 'khi nào cấp giấy chứng nhận quyền sử dụng đất cho các hộ ở khu tái định cư',
      },
      { speaker: 'Lê Thị Cúc', area: null, voters: 1, text: 'đề nghị sửa trạm y tế phường.' },
      { speaker: 'Phạm Văn Dũng', area: null, voters: 1, text: 'Tăng chuyến xe buýt số 18.' },
      { speaker: 'Phạm Văn Dũng', area: null, voters: 1, text: 'Xây thêm trường mầm non công lập.' },
      { speaker: null, area: 'phường Bến Nghé', voters: 2, text: 'giảm thời gian giải quyết thủ tục đất đai.' },
    ]);
    expect(report.skipped.map((s) => [s.position, s.reason])).toEqual([
      ['dòng 1', 'preamble'],
      ['dòng 2', 'preamble'],
      ['dòng 3', 'preamble'],
      ['dòng 4', 'preamble'],
      ['dòng 5', 'preamble'],
      ['dòng 6', 'heading'],
      ['dòng 9', 'answer'],
      ['dòng 15', 'answer'],
      ['dòng 18', 'closing'],
      ['dòng 19', 'closing'],
      ['dòng 20', 'closing'],
    ]);
    expect(report.skipped[6]!.excerpt).toContain('trả lời');
    expect(report).toMatchObject({ created: 8, updated: 0, unchanged: 0 });
    expect(report.petitions.every((p) => p.tracking_code === null)).toBe(true);
    expect(await db.petition.count()).toBe(0);
  });

  it('stores each petition with its meeting, speaker, source and the minutes as legal basis, classification queued', async () => {
    const report = await run('bien-ban.txt', MINUTES_TEXT);
    expect(report.created).toBe(8);
    const stored = await db.petition.findMany({ orderBy: { id: 'asc' }, include: { meeting: true } });
    expect(stored.map((p) => p.trackingCode)).toEqual(report.petitions.map((p) => p.tracking_code));
    expect(stored[0]).toMatchObject({
      channel: 'meeting',
      legalBasis: 'minutes',
      voterId: null,
      speaker: 'Nguyễn Văn An',
      speakerArea: 'tổ dân phố 5, phường Bến Nghé',
      sourceFile: 'bien-ban.txt',
      sourcePosition: 'dòng 7',
      voters: 1,
      status: 'received',
    });
    expect(stored[0]!.meeting?.code).toBe('BN-01');
    expect(await db.job.count({ where: { type: 'classify' } })).toBe(8);
    const events = await db.petitionEvent.findMany({ where: { petitionId: stored[0]!.id } });
    expect(events.map((e) => e.actor)).toEqual(['test']);
  });

  it('creates nothing on a second import, and updates only what a corrected version changed', async () => {
    const first = await run('bien-ban.txt', MINUTES_TEXT);
    const again = await run('bien-ban.txt', MINUTES_TEXT);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 8 });
    expect(again.petitions.map((p) => p.tracking_code)).toEqual(first.petitions.map((p) => p.tracking_code));

    const corrected = MINUTES_TEXT.replace(
      'Ý KIẾN, KIẾN NGHỊ CỦA CỬ TRI\n',
      'Ý KIẾN, KIẾN NGHỊ CỦA CỬ TRI\nCử tri Đỗ Văn Giang (tổ 9) kiến nghị: sớm hoàn thành dự án chống ngập đường Nguyễn Huệ.\n',
    )
      .replace(
        'đường Lê Lợi ngập nặng mỗi khi mưa, đề nghị nạo vét cống.',
        'đường Lê Lợi ngập rất nặng mỗi khi mưa lớn, đề nghị nạo vét cống thoát nước.',
      )
      .replace('Nhiều cử tri phường Bến Nghé', 'Cử tri Lý Văn Hòa, Mai Thị Lan, Đinh Văn Khoa (phường Bến Nghé)');
    const report = await run('bien-ban-sua.txt', corrected);
    expect(report).toMatchObject({ created: 1, updated: 2, unchanged: 7 - 1 });
    const edited = report.petitions.find((p) => p.text.includes('ngập rất nặng'))!;
    expect(edited).toMatchObject({
      result: 'updated',
      changes: ['text'],
      tracking_code: first.petitions[0]!.tracking_code,
    });
    const many = report.petitions.find((p) => p.text.startsWith('giảm thời gian'))!;
    expect(many).toMatchObject({ result: 'updated', voters: 3, speaker: 'Lý Văn Hòa; Mai Thị Lan; Đinh Văn Khoa' });
    expect(many.changes).toEqual(['speaker', 'voters']);
    const inserted = report.petitions.find((p) => p.result === 'created')!;
    expect(inserted).toMatchObject({ speaker: 'Đỗ Văn Giang', area: 'tổ 9' });
    expect(await db.petition.count()).toBe(9);
    const row = await db.petition.findUniqueOrThrow({ where: { trackingCode: edited.tracking_code! } });
    expect(row).toMatchObject({ text: edited.text, sourceFile: 'bien-ban-sua.txt', sourcePosition: 'dòng 8' });
    // The inserted item shifted every position; nothing else counts as changed.
    expect(report.petitions.filter((p) => p.result === 'unchanged')).toHaveLength(6);
  });
});

describe('petition import: compiled reports and lists', () => {
  it('reads a .docx report by headings, numbered items, attributions and two-column tables', async () => {
    const report = await run('tong-hop.docx', await compiledReportDocx());
    expect(brief(report)).toEqual([
      {
        speaker: null,
        area: null,
        voters: 2,
        text: 'Đề nghị điều chỉnh mức lương hưu cho người nghỉ hưu trước năm 1995',
      },
      {
        speaker: 'Nguyễn Văn An; Trần Thị Bình',
        area: null,
        voters: 2,
        text: 'Đề nghị sớm sửa đổi Luật Đất đai về bồi thường khi thu hồi đất',
      },
      {
        speaker: null,
        area: null,
        voters: 1,
        text: 'Đề nghị sửa chữa mặt đường Lê Lợi đoạn trước chợ, nhiều ổ gà gây mất an toàn.',
      },
      { speaker: null, area: null, voters: 1, text: 'Đề nghị lắp đèn tín hiệu tại ngã tư Lê Lợi – Hai Bà Trưng.' },
      {
        speaker: 'Lê Văn Cường',
        area: null,
        voters: 1,
        text: 'Đề nghị nạo vét kênh Nhiêu Lộc đoạn qua phường 3, nước đen bốc mùi hôi.',
      },
      { speaker: null, area: null, voters: 5, text: 'Đề nghị xây thêm trường mầm non công lập tại phường 5.' },
      { speaker: null, area: null, voters: 1, text: 'Đề nghị tăng chuyến xe buýt số 18 giờ cao điểm.' },
      { speaker: null, area: null, voters: 1, text: 'Đề nghị cải tạo công viên khu phố 2 thành sân chơi cho trẻ em.' },
    ]);
    expect(report.petitions[0]!.position).toBe('đoạn 6, mục 1.1');
    expect(report.petitions[4]!.position).toBe('bảng 2, dòng 2, mục 1');
    expect(report.skipped.map((s) => s.reason)).toEqual([
      'preamble', // the two-column header
      'preamble', // Số: …
      'preamble', // the title
      'preamble', // Thực hiện …
      'heading',
      'heading',
      'heading',
      'heading',
      'header_row',
      'closing',
      'closing',
    ]);
  });

  it('maps an .xlsx list with --columns and lists rows without content', async () => {
    const xlsx = await unusualListXlsx();
    const report = await run('danh-sach.xlsx', xlsx, { columns: 'noi dung=Tóm tắt,cu tri=Người nêu,dia chi=C' });
    expect(brief(report)).toEqual([
      { speaker: 'Nguyễn Văn An', area: 'Tổ 5', voters: 1, text: 'Đề nghị sửa cống thoát nước đường Lê Lợi.' },
      {
        speaker: 'Trần Thị Bình; Lê Văn Cường',
        area: 'Khu phố 2',
        voters: 2,
        text: 'Đề nghị mở rộng hẻm 45 cho xe cứu hỏa vào được.',
      },
    ]);
    expect(report.skipped.map((s) => [s.position, s.reason])).toEqual([
      ['dòng 1', 'preamble'],
      ['dòng 2', 'header_row'],
      ['dòng 5', 'no_content'],
    ]);
  });

  it('reads a .csv list by its usual headers', async () => {
    const report = await run('danh-sach.csv', LIST_CSV);
    expect(brief(report)).toEqual([
      {
        speaker: 'Nguyễn Văn An',
        area: 'Tổ 5, phường Bến Nghé',
        voters: 1,
        text: 'Đề nghị sửa cống thoát nước đường Lê Lợi.',
      },
      { speaker: null, area: 'Khu phố 2', voters: 1, text: 'Đề nghị tăng cường tuần tra ban đêm.' },
    ]);
  });

  it('counts petitions and voters in statistics and reports', async () => {
    await run('bien-ban.txt', MINUTES_TEXT);
    const meeting = await db.meeting.findUniqueOrThrow({ where: { code: 'BN-01' } });
    expect(await countVoters(db, { petition: { meetingId: meeting.id }, tally: null })).toBe(10);
    const data = await loadReportData(db, {
      from: '2026-12-01',
      to: '2026-12-31',
      meetingCode: 'BN-01',
      timeZone: TZ,
      now: new Date('2026-12-31T00:00:00Z'),
    });
    expect(data.meetings[0]).toMatchObject({ petitions: 8, voters: 10 });
  });
});

describe('kiennghi petition import', () => {
  it('prints one JSON object and imports once', { timeout: 90_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'minutes-')), 'danh-sach.csv');
    writeFileSync(file, LIST_CSV);
    const first = await kiennghi('petition', 'import', file, '--meeting', 'BN-01', '--json');
    expect(first.stderr).toBe('');
    const report = JSON.parse(first.stdout) as ImportReport;
    expect(report).toMatchObject({
      created: 2,
      updated: 0,
      unchanged: 0,
      skipped: [{ position: 'dòng 1', reason: 'header_row' }],
    });
    expect(report.petitions[0]).toMatchObject({ speaker: 'Nguyễn Văn An', area: 'Tổ 5, phường Bến Nghé', voters: 1 });
    expect(report.petitions[0]!.tracking_code).toMatch(/^KN-\d{4}-\d{6}$/);
    const second = await kiennghi('petition', 'import', file, '--meeting', 'BN-01');
    expect(second.stdout).toContain('Đã tạo 0, cập nhật 0, không đổi 2');
    const unknown = await kiennghi('petition', 'import', file, '--meeting', 'NOPE');
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr.trim()).toBe('Không có hội nghị mã NOPE.');
  });
});
