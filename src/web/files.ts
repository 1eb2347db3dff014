// Generated files (charts, reports, QR codes, calendars) at short-lived signed URLs under
// PUBLIC_URL, for platforms that take files only as URLs (Zalo's sendPhoto). A link serves
// the one file it was made for, for a day; the token is random and stored hashed, so the
// database alone opens nothing. A petition's attachment never goes this way: those stay
// behind the workspace's sign-in.
import type { Hono } from 'hono';
import type { Db, Tx } from '../db/client.ts';
import { hashToken, newToken } from './auth.ts';

/** How long a file link works. */
export const FILE_LINK_TTL_MS = 24 * 3_600_000;

const MIME_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  ics: 'text/calendar; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

/** A file's type from its name's extension (generic bytes when unknown). */
export function mimeOf(name: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  return MIME_TYPES[extension] ?? 'application/octet-stream';
}

export interface PublishedFile {
  url: string;
  expiresAt: Date;
}

/** Stores a generated file and returns its link under `base` (PUBLIC_URL). */
export async function publishFile(
  db: Db | Tx,
  base: string,
  file: { name: string; content: Buffer },
  now = new Date(),
): Promise<PublishedFile> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + FILE_LINK_TTL_MS);
  await db.fileLink.create({
    data: {
      tokenHash: hashToken(token),
      name: file.name,
      mime: mimeOf(file.name),
      content: new Uint8Array(file.content),
      expiresAt,
    },
  });
  // The name at the end lets the platform (and a person's browser) see what kind of file it is.
  const url = `${base.replace(/\/+$/, '')}/files/${token}/${encodeURIComponent(file.name)}`;
  return { url, expiresAt };
}

/** Removes links past their expiry (the retention job); returns how many. */
export async function removeExpiredFileLinks(db: Db | Tx, now: Date): Promise<number> {
  return (await db.fileLink.deleteMany({ where: { expiresAt: { lte: now } } })).count;
}

/** Serves GET /files/<token>[/<name>]: the file, 410 once expired, 404 for an unknown token. */
export function mountFileLinks(app: Hono, db: Db): void {
  app.get('/files/:token/:name?', async (c) => {
    const row = await db.fileLink.findUnique({ where: { tokenHash: hashToken(c.req.param('token')) } });
    if (!row) return c.text('Không tìm thấy tệp.', 404);
    if (row.expiresAt <= new Date()) return c.text('Liên kết tải tệp đã hết hạn.', 410);
    const disposition = row.mime.startsWith('image/') ? 'inline' : 'attachment';
    return c.body(new Uint8Array(row.content), 200, {
      'Content-Type': row.mime,
      'Content-Disposition': contentDisposition(disposition, row.name),
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      // Nothing served here runs in a page, even if a file were to look like one.
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Referrer-Policy': 'no-referrer',
    });
  });
}

/** `inline`/`attachment` with the name, ASCII for old clients and UTF-8 for the rest (RFC 6266). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii =
    name
      .normalize('NFD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\]/g, '_') || 'tep';
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
