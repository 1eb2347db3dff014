// Plain text of an agency's answer document: Word (.docx, through mammoth) or a PDF with a
// text layer (pdfjs-dist's Node build); a scanned PDF without text yields nothing.
import { extname } from 'node:path';

export class AnswerDocumentError extends Error {}

/** Paragraphs of the document, in order. */
export async function documentText(fileName: string, data: Buffer): Promise<string> {
  const kind = extname(fileName).toLowerCase();
  if (kind === '.docx') return docxText(data);
  if (kind === '.pdf') return pdfText(data);
  throw new AnswerDocumentError(`Chỉ đọc được tệp .docx hoặc .pdf: ${fileName}`);
}

async function docxText(data: Buffer): Promise<string> {
  const mammoth = (await import('mammoth')).default;
  const { value } = await mammoth.extractRawText({ buffer: data });
  return value;
}

async function pdfText(data: Buffer): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const pdf = await getDocument({ data: new Uint8Array(data), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let number = 1; number <= pdf.numPages; number++) {
    const content = await (await pdf.getPage(number)).getTextContent();
    let page = '';
    for (const item of content.items) {
      if (!('str' in item)) continue;
      page += item.str + (item.hasEOL ? '\n' : '');
    }
    pages.push(page);
  }
  await pdf.destroy();
  return pages.join('\n');
}
