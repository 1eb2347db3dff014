// How staff see a petition's voice messages and photos in /kn: their kind, and whether their
// text was read and confirmed (src/intake/media.ts sets these states).
import type { Db, Tx } from '../db/client.ts';

/** How staff see a petition's files in /kn: kind, and whether its text was read and by whom confirmed. */
const ATTACHMENT_STATES: Record<string, Record<string, string>> = {
  voice: {
    none: 'chưa có bản ghi lời',
    reading: 'chưa có bản ghi lời (đang chuyển thành văn bản)',
    read: 'đã có bản ghi lời, chờ xác nhận',
    confirmed: 'bản ghi lời đã được xác nhận',
    corrected: 'bản ghi lời đã được sửa khi xác nhận',
    unconfirmed: 'bản ghi lời chưa được xác nhận',
    media_only: 'chưa có bản ghi lời (chỉ giữ bản ghi âm)',
    too_long: 'chưa có bản ghi lời (dài quá giới hạn)',
  },
  photo: {
    none: 'chưa đọc chữ',
    reading: 'chưa đọc chữ (đang đọc)',
    read: 'đã đọc chữ, chờ xác nhận',
    confirmed: 'chữ đọc từ ảnh đã được xác nhận',
    corrected: 'chữ đọc từ ảnh đã được sửa khi xác nhận',
    unconfirmed: 'chữ đọc từ ảnh chưa được xác nhận',
    media_only: 'chưa đọc chữ (chỉ giữ ảnh)',
    too_long: 'chưa đọc chữ (ảnh quá lớn)',
    not_document: 'không phải trang văn bản',
  },
};
const ATTACHMENT_KINDS: Record<string, string> = { voice: 'Tin nhắn thoại', photo: 'Ảnh', document: 'Tệp' };

/** The lines of /kn that list a petition's files; undefined when it has none. */
export async function describeAttachments(db: Db | Tx, petitionId: number): Promise<string | undefined> {
  const attachments = await db.attachment.findMany({ where: { petitionId }, orderBy: { id: 'asc' } });
  if (attachments.length === 0) return undefined;
  const lines = attachments.map((a) => {
    const state = ATTACHMENT_STATES[a.kind]?.[a.readStatus ?? 'none'];
    const extent = a.durationSeconds ? formatDuration(a.durationSeconds) : a.sizeBytes ? formatSize(a.sizeBytes) : '';
    return `  • ${ATTACHMENT_KINDS[a.kind] ?? a.kind}${extent ? ` (${extent})` : ''}${state ? `: ${state}` : ''}`;
  });
  return ['Tệp đính kèm:', ...lines].join('\n');
}

/** "45 giây", "2 phút 5 giây". */
function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return [minutes ? `${minutes} phút` : '', rest || !minutes ? `${rest} giây` : ''].filter(Boolean).join(' ');
}

/** "15 KB", "1,2 MB". */
function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString('vi-VN')} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;
}
