// A petition's files in the workspace: voters' photos and voice messages fetched by the
// server through the platform's file API (the browser never sees a platform URL or token),
// and agencies' answer documents uploaded by staff, kept in the database with the petition.
// The type a file is served as comes from its first bytes, never from the platform or the
// uploader, and only images and audio are shown inline.
import type { Attachment } from '../generated/prisma/client.ts';
import type { Channel } from '../core/types.ts';
import type { Tx } from '../db/client.ts';
import { FileTooLarge, type FetchedFile } from '../intake/media.ts';
import type { WebDeps } from './types.ts';

/** Telegram's Bot API serves files up to 20 MB: the most a workspace page fetches. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** An agency's answer document: a Word file or a PDF, scanned pages included. */
export const MAX_ANSWER_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** The attachment kind of an answer document uploaded in the workspace. */
export const ANSWER_DOCUMENT = 'answer';

const STORED_PREFIX = 'data:';

/** A file ready to send to the browser. */
export interface ServedFile {
  data: Buffer;
  type: string;
  fileName: string;
  /** Images and audio are shown in the page; anything else is only downloaded. */
  inline: boolean;
}

/** Why a file could not be served, in words for the page. */
export class FileUnavailable extends Error {
  constructor(
    message: string,
    readonly status: 404 | 413 | 502,
  ) {
    super(message);
  }
}

const SIGNATURES: { type: string; test: (data: Buffer) => boolean }[] = [
  { type: 'image/jpeg', test: (d) => d[0] === 0xff && d[1] === 0xd8 && d[2] === 0xff },
  { type: 'image/png', test: (d) => d.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) },
  { type: 'image/gif', test: (d) => d.subarray(0, 4).toString('latin1') === 'GIF8' },
  { type: 'image/webp', test: (d) => riff(d, 'WEBP') },
  { type: 'audio/ogg', test: (d) => d.subarray(0, 4).toString('latin1') === 'OggS' },
  { type: 'audio/wav', test: (d) => riff(d, 'WAVE') },
  { type: 'audio/amr', test: (d) => d.subarray(0, 5).toString('latin1') === '#!AMR' },
  { type: 'audio/mp4', test: (d) => d.subarray(4, 8).toString('latin1') === 'ftyp' },
  {
    type: 'audio/mpeg',
    test: (d) => d.subarray(0, 3).toString('latin1') === 'ID3' || (d[0] === 0xff && d[1] === 0xfb),
  },
  { type: 'audio/aac', test: (d) => d[0] === 0xff && (d[1] === 0xf1 || d[1] === 0xf9) },
  { type: 'application/pdf', test: (d) => d.subarray(0, 5).toString('latin1') === '%PDF-' },
];

const DOCUMENT_TYPES: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  doc: 'application/msword',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function riff(data: Buffer, form: string): boolean {
  return data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === form;
}

/** The content type of a file by its first bytes (Office files, zip archives, by their name's extension). */
export function sniffType(data: Buffer, fileName: string): string {
  const known = SIGNATURES.find((signature) => signature.test(data));
  if (known) return known.type;
  const extension = fileName.split('.').at(-1)?.toLowerCase() ?? '';
  const zipped = data.subarray(0, 2).toString('latin1') === 'PK';
  return (zipped || extension === 'doc') && DOCUMENT_TYPES[extension]
    ? DOCUMENT_TYPES[extension]
    : 'application/octet-stream';
}

function served(data: Buffer, fileName: string): ServedFile {
  const type = sniffType(data, fileName);
  return { data, type, fileName, inline: type.startsWith('image/') || type.startsWith('audio/') };
}

/** Whether the attachment is an answer document kept in the database (not a platform file). */
export function isStored(attachment: Pick<Attachment, 'fileId'>): boolean {
  return attachment.fileId.startsWith(STORED_PREFIX);
}

/**
 * The attachment's bytes: an answer document from its row, a voter's file from the
 * platform of the channel the petition came in on, at most MAX_ATTACHMENT_BYTES.
 */
export async function loadAttachment(
  deps: Pick<WebDeps, 'fetchers'>,
  attachment: Pick<Attachment, 'id' | 'kind' | 'fileId'>,
  channel: string,
): Promise<ServedFile> {
  if (isStored(attachment)) return readStored(attachment.fileId);
  const fetcher = deps.fetchers[channel as Channel];
  if (!fetcher) throw new FileUnavailable('Kênh gửi tệp này hiện không kết nối nên không tải được tệp.', 502);
  let file: FetchedFile;
  try {
    file = await fetcher(attachment.fileId, MAX_ATTACHMENT_BYTES);
  } catch (error) {
    if (error instanceof FileTooLarge) throw new FileUnavailable('Tệp lớn quá mức xem được trên bàn làm việc.', 413);
    throw new FileUnavailable('Nền tảng chưa trả tệp; xin thử lại sau.', 502);
  }
  return served(file.data, file.fileName);
}

/** An answer document as uploaded: its name and bytes. */
export interface UploadedDocument {
  name: string;
  data: Buffer;
}

/** Keeps an uploaded answer document with the petition (a data: URL in the attachment row). */
export async function storeAnswerDocument(tx: Tx, petitionId: number, file: UploadedDocument): Promise<number> {
  const type = sniffType(file.data, file.name);
  const name = encodeURIComponent(file.name.replace(/[\\/]/g, '_').slice(0, 200) || 'tra-loi');
  const fileId = `${STORED_PREFIX}${type};name=${name};base64,${file.data.toString('base64')}`;
  const row = await tx.attachment.create({ data: { petitionId, kind: ANSWER_DOCUMENT, fileId } });
  return row.id;
}

function readStored(fileId: string): ServedFile {
  const match = /^data:[^;,]*;name=([^;,]*);base64,/.exec(fileId);
  if (!match) throw new FileUnavailable('Không đọc được tệp đã lưu.', 404);
  const data = Buffer.from(fileId.slice(match[0].length), 'base64');
  return served(data, decodeURIComponent(match[1]!));
}

/** The stored file's name, for the page (a platform file has none until fetched). */
export function storedName(attachment: Pick<Attachment, 'fileId'>): string | null {
  if (!isStored(attachment)) return null;
  const match = /^data:[^;,]*;name=([^;,]*);/.exec(attachment.fileId);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** The response headers of a served file: its sniffed type, no script, no caching by others. */
export function fileHeaders(file: ServedFile): Record<string, string> {
  const ascii = file.fileName.replace(/[^\w.-]+/g, '_') || 'tep';
  const disposition = file.inline ? 'inline' : 'attachment';
  return {
    'Content-Type': file.type,
    'Content-Length': String(file.data.length),
    'Content-Disposition': `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, max-age=300',
  };
}
