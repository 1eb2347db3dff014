// Files a voter sent on Zalo (voice), downloaded from the URL in Zalo's update. That URL may be
// signed, so neither it nor an axios error that carries it ever leaves this file.
import axios from 'axios';
import { FileTooLarge, type FetchedFile } from '../../intake/media.ts';

const DOWNLOAD_TIMEOUT_MS = 30_000;
const TOO_LARGE = /^maxContentLength size of \d+ exceeded$/;

/** Downloads the file at a Zalo file URL (`voice_url`); throws FileTooLarge for one over `maxBytes`. */
export async function downloadZaloFile(url: string, maxBytes: number): Promise<FetchedFile> {
  // Only the platform's web URLs: axios would also read a data: URL.
  if (!/^https?:\/\//i.test(url)) throw new Error('zalo file download: not an http(s) URL');
  let data: ArrayBuffer;
  try {
    const response = await axios.get<ArrayBuffer>(url, {
      responseType: 'arraybuffer',
      maxContentLength: maxBytes,
      timeout: DOWNLOAD_TIMEOUT_MS,
    });
    data = response.data;
  } catch (error) {
    if (axios.isAxiosError(error) && TOO_LARGE.test(error.message)) {
      throw new FileTooLarge(`zalo file over ${maxBytes} bytes`);
    }
    // eslint-disable-next-line preserve-caught-error -- the axios error carries the (signed) URL
    throw new Error(`zalo file download failed: ${downloadReason(error)}`);
  }
  return { data: Buffer.from(data), fileName: fileNameOf(url) };
}

function downloadReason(error: unknown): string {
  if (!axios.isAxiosError(error)) return 'unexpected error';
  if (error.response) return `HTTP ${error.response.status}`;
  return error.code ?? 'network error';
}

/** The URL's last path segment: the speech server reads the audio format from its extension. */
function fileNameOf(url: string): string {
  return new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? 'voice';
}
