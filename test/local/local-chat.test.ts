// `npm start` with no tokens: the terminal chat on the embedded default, driven as a
// newcomer would, through the real CLI process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable, Writable } from 'node:stream';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createLocalChannel } from '../../src/channels/local/chat.ts';
import type { Core } from '../../src/core/batcher.ts';
import { connectDb } from '../../src/db/client.ts';

function runCli(args: string[], input: string, env: Record<string, string>, cwd = process.cwd()) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(process.cwd(), 'bin/kiennghi.js'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

it('lets a newcomer send a petition to the seeded demo meeting from the terminal', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiennghi-local-'));
  const databaseUrl = `file:${join(dir, 'local.db')}`;
  const lines = ['/start DEMO', '1', 'Phạm Thị Lan', '1', 'Đề nghị lắp camera ở ngã tư trước chợ.', '/tracuu'];
  const result = await runCli(['start'], `${lines.join('\n')}\n`, {
    DATABASE_URL: databaseUrl,
    PORT: '0',
    LOG_LEVEL: 'warn',
  });

  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Hội nghị tiếp xúc cử tri (thử nghiệm)');
  expect(result.stdout).toContain('1. Đồng ý');
  expect(result.stdout).toMatch(/http:\/\/localhost:[1-9]\d*\/web\/login\?token=[\w-]{43}/);
  const code = /KN-\d{4}-\d{6}/.exec(result.stdout)?.[0];
  expect(code).toBeDefined();

  const db = await connectDb(databaseUrl);
  const petition = await db.petition.findUniqueOrThrow({
    where: { trackingCode: code! },
    include: { voter: true, meeting: true },
  });
  expect(petition.text).toBe('Đề nghị lắp camera ở ngã tư trước chợ.');
  expect(petition.voter?.name).toBe('Phạm Thị Lan');
  expect(petition.meeting?.code).toBe('DEMO');
  await db.$disconnect();
});

it('saves a file the bot sends under the data folder and prints its path', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'kiennghi-files-')), 'files');
  let printed = '';
  const output = new Writable({ write: (chunk, _enc, next) => ((printed += chunk), next()) });
  const channel = createLocalChannel({} as Core, Readable.from([]), output, { filesDir: dir });
  const file = { name: 'bao-cao.docx', base64: Buffer.from('noi dung').toString('base64'), kind: 'document' as const };
  await channel.sender.send('local-user', { text: 'Báo cáo', file });
  await channel.sender.send('local-user', { text: 'Báo cáo', file });
  expect(printed).toContain(`[Đã lưu tệp: ${join(dir, 'bao-cao.docx')}]`);
  expect(printed).toContain(`[Đã lưu tệp: ${join(dir, 'bao-cao-2.docx')}]`);
  expect(readFileSync(join(dir, 'bao-cao.docx'), 'utf8')).toBe('noi dung');
});

it('keeps long pasted texts whole and writes logs to a file, not the screen', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiennghi-local-'));
  const databaseUrl = `file:${join(dir, 'local.db')}`;
  const long = `Đề nghị sửa đường ${'x'.repeat(10_000)} trước chợ.`;
  const lines = ['/start DEMO', '1', 'Phạm Thị Lan', '1', long];
  const result = await runCli(
    ['start'],
    `${lines.join('\n')}\n`,
    { DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'info' },
    dir,
  );

  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  expect(result.stdout).not.toMatch(/^\{"level"/m);
  expect(readFileSync(join(dir, 'data', 'kiennghi.log'), 'utf8')).toContain('"msg":"kiennghi started"');

  const code = /KN-\d{4}-\d{6}/.exec(result.stdout)?.[0];
  const db = await connectDb(databaseUrl);
  const petition = await db.petition.findUniqueOrThrow({ where: { trackingCode: code! } });
  expect(petition.text).toBe(long);
  await db.$disconnect();
});

it('stops with one clear line naming a wrong setting', async () => {
  const result = await runCli(['start'], '', { PORT: 'abc' });
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toContain('PORT');
});

it('adds, imports and lists meetings and writes a QR code from the command line', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiennghi-cli-'));
  const env = { DATABASE_URL: `file:${join(dir, 'cli.db')}`, LOG_LEVEL: 'warn' };
  const added = await runCli(
    [
      'meeting',
      'add',
      '--code',
      'tx-01',
      '--title',
      'Tiếp xúc cử tri phường Láng',
      '--start',
      '2026-12-10T08:00:00+07:00',
      '--place',
      'Nhà văn hóa tổ 5',
      '--ward',
      'Phường Láng',
      '--deputies',
      'Nguyễn Văn An; Lê Thị Bình',
    ],
    '',
    env,
  );
  expect(added.stderr).toBe('');
  expect(added.stdout).toContain('TX-01');

  const csvFile = join(dir, 'meetings.csv');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    csvFile,
    'code,title,kind,start,end,place,ward,constituency,deputies\n' +
      'HN-02,Tiếp xúc sau kỳ họp,after_session,2026-12-12T14:00:00+07:00,,Hội trường quận,Phường Kim Liên,Đơn vị số 3,Trần Văn Cường\n' +
      'BAD,Thiếu giờ,other,not-a-date,,Nơi nào đó,,,\n',
  );
  const imported = await runCli(['meeting', 'import', csvFile], '', env);
  expect(imported.stdout).toContain('Đã nhập 1 hội nghị');
  expect(imported.stderr).toContain('Dòng 3');
  expect(imported.code).toBe(1);

  const listed = await runCli(['meeting', 'list', '--json'], '', env);
  const meetings = JSON.parse(listed.stdout) as { code: string; deputies: string[] }[];
  expect(meetings.map((m) => m.code)).toEqual(['TX-01', 'HN-02']);
  expect(meetings[0]!.deputies).toEqual(['Nguyễn Văn An', 'Lê Thị Bình']);

  const ics = await runCli(['meeting', 'ics', '--from', '2026-01-01'], '', env);
  expect(ics.stdout).toMatch(/^BEGIN:VCALENDAR/);
  expect(ics.stdout.match(/BEGIN:VEVENT/g)).toHaveLength(2);

  const png = join(dir, 'qr.png');
  const qr = await runCli(['meeting', 'qr', 'tx-01', '--out', png, '--bot-username', 'kiennghi_bot'], '', env);
  expect(qr.stdout).toContain('https://t.me/kiennghi_bot?start=TX-01');
  expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
});
