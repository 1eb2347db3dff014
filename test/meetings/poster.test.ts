// Printed meeting materials: the poster's words are real text in the PDF (read back with
// pdftotext), the QR image carries the code and title, and the command line speaks Vietnamese.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { speakVietnamese } from '../../src/cli/output.ts';
import { meetingPosterPdf, qrCardPng } from '../../src/meetings/poster.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'kiennghi-poster-'));
const MEETING = {
  code: 'HN-01',
  title: 'Tiếp xúc cử tri trước kỳ họp thứ mười',
  place: 'Hội trường UBND phường',
  ward: 'Phường Dịch Vọng',
  startsAt: new Date('2026-12-05T08:00:00+07:00'),
  endsAt: new Date('2026-12-05T11:00:00+07:00'),
};
const OFFICE = 'Văn phòng Đoàn ĐBQH và HĐND thành phố Hà Nội';

async function pdfText(pdf: Buffer): Promise<{ text: string; size: string }> {
  const file = join(dir, `p-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  const { stdout: text } = await run('pdftotext', ['-layout', file, '-']);
  const { stdout: info } = await run('pdfinfo', [file]);
  return { text: text.replace(/\s+/g, ' '), size: /Page size:\s+(.*)/.exec(info)![1]! };
}

describe('meeting poster', () => {
  it('prints the office, meeting, time, place, links, code and three steps as text', async () => {
    const pdf = await meetingPosterPdf({
      office: OFFICE,
      meeting: MEETING,
      telegramLink: 'https://t.me/kiennghi_bot?start=HN-01',
      zaloLink: 'zalo.me/kiennghi-hanoi',
      timeZone: 'Asia/Ho_Chi_Minh',
    });
    const { text, size } = await pdfText(pdf);
    expect(size).toContain('(A4)');
    expect(text).toContain(OFFICE.toUpperCase());
    expect(text).toContain(MEETING.title);
    expect(text).toContain('Thời gian: 08:00 05/12/2026 – 11:00');
    expect(text).toContain('Địa điểm: Hội trường UBND phường, Phường Dịch Vọng');
    expect(text).toContain('Telegram: https://t.me/kiennghi_bot?start=HN-01');
    expect(text).toContain('Zalo: zalo.me/kiennghi-hanoi');
    expect(text).toContain('Mã hội nghị HN-01');
    expect(text).toMatch(/1\. Mở Telegram.*2\. Hoặc trên Zalo.*gửi mã HN-01.*3\. Đọc thông báo/);
  });

  it('prints on A5 and leaves Zalo out when the office has no Zalo bot', async () => {
    const pdf = await meetingPosterPdf({
      office: OFFICE,
      meeting: MEETING,
      telegramLink: 'https://t.me/kiennghi_bot?start=HN-01',
      timeZone: 'Asia/Ho_Chi_Minh',
      size: 'a5',
    });
    const { text, size } = await pdfText(pdf);
    expect(size).toContain('419.53 x 595.28');
    expect(text).not.toContain('Zalo');
    expect(text).toContain('nhập mã hội nghị HN-01');
  });
});

describe('QR image', () => {
  it('is taller than the code itself: the code and title are written under it', async () => {
    const png = await qrCardPng('https://t.me/kiennghi_bot?start=HN-01', 'HN-01', MEETING.title);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect(width).toBe(600);
    expect(height).toBeGreaterThan(width + 80);
  });
});

describe('command-line errors', () => {
  function parse(args: string[]): string {
    let written = '';
    const program = speakVietnamese(new Command('kiennghi'));
    program.exitOverride().configureOutput({ writeErr: (text) => (written += text), writeOut: () => {} });
    program
      .command('meeting')
      .command('poster <code>')
      .requiredOption('--out <file>', 'tệp PDF')
      .action(() => {});
    try {
      program.parse(args, { from: 'user' });
    } catch {
      // exitOverride throws where the command line would exit.
    }
    return written;
  }

  it('are written in Vietnamese, with the way to help', () => {
    const missing = parse(['meeting', 'poster', 'HN-01']);
    expect(missing).toContain("Lỗi: thiếu tùy chọn bắt buộc '--out <file>'");
    expect(missing).toContain('(gõ --help để xem cách dùng)');
    expect(missing).not.toMatch(/error|specified/);
    expect(parse(['meeting', 'poster', '--out', 'f'])).toContain("Lỗi: thiếu tham số bắt buộc 'code'");
    expect(parse(['meeting', 'poster', 'X', '--out', 'f', '--sise'])).toContain("Lỗi: không có tùy chọn '--sise'");
  });
});
