// The follow-up cycle end to end: petitions forwarded with a letter (--record), the agency's
// answer document (.docx) imported and matched by the real CLI, the voter told once on
// Telegram, the voter saying the answer did not resolve it, overdue answers in /thongke,
// and the results report read back from Word and Excel.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, Packer, Paragraph } from 'docx';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { afterEach, describe, expect, it } from 'vitest';
import { buildForwardingLetter, recordForwarding, selectForForwarding } from '../../src/followup/forward.ts';
import { buildResults } from '../../src/followup/results.ts';
import { saveMeeting } from '../../src/meetings/service.ts';
import { freshDatabaseUrl, waitUntil } from '../helpers/app.ts';
import { newUserId, startHarness, type Harness } from '../staff/support.ts';
import { runKiennghi } from '../helpers/cli.ts';

const kiennghi = (databaseUrl: string, ...args: string[]) => runKiennghi(databaseUrl, args);

const AGENCY = 'UBND phường Cầu Giấy';
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function settled(harness: Harness): Promise<void> {
  await waitUntil(
    async () => (await harness.app.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0,
  );
}

async function answerDocx(paragraphs: string[]): Promise<Buffer> {
  const document = new Document({ sections: [{ children: paragraphs.map((text) => new Paragraph(text)) }] });
  return Packer.toBuffer(document);
}

describe('follow-up cycle', () => {
  it('forwards, imports the answers, tells the voter once and reports the results', { timeout: 90_000 }, async () => {
    const databaseUrl = freshDatabaseUrl();
    h = await startHarness({ DATABASE_URL: databaseUrl, ANSWER_DUE_DAYS: '20' });
    const db = h.app.db;
    await saveMeeting(db, {
      code: 'HN-CG-01',
      title: 'Tiếp xúc cử tri phường Cầu Giấy',
      start: '2026-11-20T08:00:00+07:00',
      place: 'Hội trường UBND phường',
      constituency: 'Đơn vị số 5',
    });
    const voter = newUserId();
    const staff = newUserId();
    await h.grant(staff, 'staff');
    await h.text(voter, '/start HN-CG-01');
    await h.press(voter, 'consent:agree');
    await h.text(voter, 'Trần Thị Hoa');
    await h.text(voter, 'Phường Cầu Giấy');
    const [stored] = await h.text(
      voter,
      'Đề nghị sửa đèn chiếu sáng hỏng trong ngõ 12 Trần Duy Hưng, buổi tối rất tối.',
    );
    const chatCode = /KN-\d{4}-\d{6}/.exec(stored!)![0];
    const meeting = await db.meeting.findUniqueOrThrow({ where: { code: 'HN-CG-01' } });
    // A petition from the minutes: no chat, no voter.
    await db.petition.create({
      data: {
        trackingCode: 'KN-2026-900001',
        channel: 'minutes',
        meetingId: meeting.id,
        text: 'Cử tri Nguyễn Văn Bình phản ánh rác thải tồn đọng ở chợ Nghĩa Tân nhiều ngày không được thu gom.',
        textNormalized:
          'Cử tri Nguyễn Văn Bình phản ánh rác thải tồn đọng ở chợ Nghĩa Tân nhiều ngày không được thu gom.',
        status: 'classified',
      },
    });
    await waitUntil(
      async () => (await db.job.count({ where: { type: 'classify', status: 'pending' } })) === 0,
      5000,
    ).catch(() => undefined);
    await db.petition.updateMany({
      where: { meetingId: meeting.id },
      data: { status: 'classified', agency: AGENCY, authority: 'commune', field: 'environment' },
    });

    // Forwarding letter and --record.
    const items = await selectForForwarding(
      db,
      { agency: 'ubnd phuong cau giay', meetingCode: 'hn-cg-01' },
      h.app.config.TZ,
    );
    expect(items.map((i) => i.trackingCode).sort()).toEqual([chatCode, 'KN-2026-900001'].sort());
    const date = new Date('2026-12-01T02:00:00Z');
    const options = { agency: AGENCY, number: '88/ĐĐBQH-HĐND', date, due: new Date('2026-12-21T02:00:00Z') };
    const letter = await buildForwardingLetter(h.app.config, items, options);
    const letterText = (await mammoth.extractRawText({ buffer: letter })).value;
    expect(letterText).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(letterText).toContain('Số: 88/ĐĐBQH-HĐND');
    expect(letterText).toContain(chatCode);
    expect(letterText).toContain('KN-2026-900001');
    expect(letterText).toContain('21/12/2026');
    expect(letterText).toContain('Nơi nhận:');
    expect(letterText).not.toContain('Trần Thị Hoa');
    expect(letterText).not.toContain('Nguyễn Văn Bình');
    expect(await recordForwarding(db, h.app.config, items, { ...options, actor: 'cli:test' })).toHaveLength(2);
    const forwarded = await db.petition.findUniqueOrThrow({
      where: { trackingCode: chatCode },
      include: { events: true },
    });
    expect(forwarded).toMatchObject({ status: 'forwarded', forwardedTo: AGENCY, forwardRef: '88/ĐĐBQH-HĐND' });
    expect(forwarded.answerDueAt?.toISOString()).toBe('2026-12-21T02:00:00.000Z');
    expect(forwarded.events.at(-1)).toMatchObject({ toStatus: 'forwarded', actor: 'cli:test' });
    expect(await db.auditLog.count({ where: { action: 'petition.forwarded' } })).toBe(2);

    // The agency's answer: one quotes the code, one only says what it is about.
    const dir = mkdtempSync(join(tmpdir(), 'kiennghi-answers-'));
    const file = join(dir, 'tra-loi.docx');
    writeFileSync(
      file,
      await answerDocx([
        'ỦY BAN NHÂN DÂN PHƯỜNG CẦU GIẤY',
        'Số: 45/UBND-QLĐT',
        'Cầu Giấy, ngày 10 tháng 12 năm 2026',
        'V/v trả lời kiến nghị cử tri',
        `1. Kiến nghị ${chatCode}: UBND phường đã thay bóng đèn chiếu sáng trong ngõ 12 Trần Duy Hưng.`,
        '2. Về rác thải tồn đọng ở chợ Nghĩa Tân: phường đã bố trí thu gom hằng ngày từ 05/12/2026.',
        'Nơi nhận:',
        '- Như trên;',
      ]),
    );
    const shown = await kiennghi(databaseUrl, 'answers', 'import', file, '--agency', AGENCY, '--dry-run', '--json');
    expect(shown.stderr).toBe('');
    const dry = JSON.parse(shown.stdout) as {
      matched: { tracking_code: string; confidence: number }[];
      counts: { recorded: number };
    };
    expect(dry.matched.map((m) => m.tracking_code)).toEqual([chatCode, 'KN-2026-900001']);
    expect(dry.matched[0]!.confidence).toBe(1);
    expect(dry.counts.recorded).toBe(0);
    expect(await db.petition.count({ where: { status: 'answered' } })).toBe(0);

    const confirmed = await kiennghi(databaseUrl, 'answers', 'import', file, '--agency', AGENCY, '--confirm', '--json');
    expect(JSON.parse(confirmed.stdout)).toMatchObject({
      counts: { answers: 2, matched: 2, unmatched: 0, recorded: 2 },
    });
    const answered = await db.petition.findUniqueOrThrow({ where: { trackingCode: chatCode } });
    expect(answered).toMatchObject({ status: 'answered', answerRef: '45/UBND-QLĐT' });
    expect(answered.answerText).toContain('thay bóng đèn');

    // The voter is told once, even when the document is imported again.
    const told = () =>
      h!.telegram.sent.filter(
        (c) => String(c.body.chat_id) === String(voter) && /đã có trả lời/.test(String(c.body.text)),
      );
    await waitUntil(async () => told().length === 1, 15_000);
    await kiennghi(databaseUrl, 'answers', 'import', file, '--agency', AGENCY, '--confirm', '--json');
    await settled(h);
    expect(told()).toHaveLength(1);

    // The voter says the answer did not resolve it: back to forwarded for follow-up.
    const [detail] = await h.text(voter, `/tracuu ${chatCode}`);
    expect(detail).toContain('thay bóng đèn');
    expect(h.buttons(voter)).toEqual([`fu:reopen:${chatCode}`]);
    const [reopened] = await h.press(voter, `fu:reopen:${chatCode}`);
    expect(reopened).toContain('chưa giải quyết được');
    expect(await db.petition.findUniqueOrThrow({ where: { trackingCode: chatCode } })).toMatchObject({
      status: 'forwarded',
    });
    expect(await db.auditLog.count({ where: { action: 'petition.reopened', entityId: chatCode } })).toBe(1);

    // Past its due date the reopened one is overdue in /thongke.
    await db.petition.update({
      where: { trackingCode: chatCode },
      data: { answerDueAt: new Date(Date.now() - 86_400_000) },
    });
    const [stats] = await h.text(staff, '/thongke');
    expect(stats).toContain('Quá hạn trả lời: 1');

    // The results report, by constituency, in Word and Excel.
    await db.petition.update({ where: { trackingCode: 'KN-2026-900001' }, data: { status: 'resolved' } });
    const word = await buildResults(db, h.app.config, { constituency: 'don vi so 5' }, 'docx');
    const wordText = (await mammoth.extractRawText({ buffer: word.buffer })).value;
    expect(wordText).toContain('Kết quả giải quyết kiến nghị của cử tri');
    expect(wordText).toContain('45/UBND-QLĐT');
    expect(wordText).toContain('Đã giải quyết');
    expect(wordText).not.toContain('Nguyễn Văn Bình');
    const excel = await buildResults(db, h.app.config, { meetingCode: 'HN-CG-01' }, 'xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(excel.buffer as never);
    const rows = workbook.worksheets[0]!.getSheetValues().filter(Boolean) as unknown[][];
    const row = rows.find((r) => r.includes('KN-2026-900001'))!;
    expect(row).toContain(AGENCY);
    expect(row).toContain('Đã giải quyết');
  });
});
