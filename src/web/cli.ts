// `kiennghi web link`: a one-time sign-in link to the workspace from the command line.
import type { Command } from 'commander';
import { withDb } from '../cli/db.ts';
import type { Db } from '../db/client.ts';
import { createLoginLink, ensureLocalAdmin, workspaceBase } from './auth.ts';

export function registerWebCommands(program: Command): void {
  const web = program.command('web').description('bàn làm việc của cán bộ trên trình duyệt');
  web
    .command('link')
    .description('in liên kết đăng nhập dùng một lần (hiệu lực 10 phút)')
    .option('--admin', 'cho tài khoản quản trị trên máy này (tạo khi dùng lần đầu)')
    .option('--staff <id>', 'cho một cán bộ hoặc đại biểu (số hiệu như /nhanvien hiển thị)')
    .action(async (options: { admin?: boolean; staff?: string }) => {
      if (!options.admin === !options.staff) throw new Error('Cần đúng một trong hai: --admin hoặc --staff <số hiệu>.');
      await withDb(async (db, config) => {
        const staffId = options.admin ? await ensureLocalAdmin(db) : await activeStaffId(db, options.staff!);
        console.log(await createLoginLink(db, workspaceBase(config), staffId, new Date()));
      });
    });
}

async function activeStaffId(db: Db, typed: string): Promise<number> {
  const id = Number(typed.replace(/^#/, ''));
  const member = Number.isInteger(id) ? await db.staffMember.findUnique({ where: { id } }) : null;
  if (!member || member.revokedAt) throw new Error(`Không có cán bộ hay đại biểu đang hoạt động với số hiệu ${typed}.`);
  return member.id;
}
