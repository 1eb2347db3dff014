// Vietnamese text handling shared by the intake flow, the classifier and the searches.

// C0/C1 control characters except tab and newline; they break logs and exports.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** The normalized copy stored beside the original: NFC, no control characters, tidy spaces. */
export function normalizeText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(/[ \t\u00A0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Lower-case ASCII without diacritics ("Đường Láng" -> "duong lang"), for matching typed input. */
export function foldDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .normalize('NFC');
}

/** Folded and reduced to words, for comparing short answers ("Đồng ý!" == "dong y"). */
export function answerKey(text: string): string {
  return foldDiacritics(normalizeText(text))
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
