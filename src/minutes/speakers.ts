// Who raised a petition, as the minutes write it: "Cử tri Nguyễn Văn A (tổ dân phố 5, phường X)
// phản ánh: …", "Ông Trần Văn B, khu phố 3: …", "Nhiều cử tri phường Y kiến nghị …", or an
// attribution at the end of a compiled item "(cử tri Nguyễn Văn A, Lê Thị C; 05 cử tri)".

/** What a speaker line says before the petition itself. */
export interface Speech {
  /** named speakers, as written */
  names: string[];
  area: string | null;
  /** voters who raised it: an explicit count, else the names listed, at least 2 for "nhiều cử tri" */
  voters: number;
  /** the petition's text after the speaker part ("" when it follows in the next paragraphs) */
  rest: string;
}

/** The end of a word (JavaScript's \b knows ASCII letters only). */
const END = String.raw`(?![\p{L}\p{N}])`;
const TITLE = String.raw`(?:cử tri|ông\/bà|ông|bà|anh|chị|cụ|đồng chí|đ\/c)`;
const MANY = /^(?:nhiều|các|một số|đông đảo)\s+cử tri(?![\p{L}\p{N}])/iu;
const VERB = String.raw`(?:(?:cùng|cũng|tiếp tục|đã)\s+)?(?:phản ánh|kiến nghị|đề nghị|đề xuất|có ý kiến|ý kiến|hỏi|nêu|cho rằng|bày tỏ|phát biểu|mong muốn|yêu cầu|trình bày)`;
const VERB_AT_START = new RegExp(String.raw`^${VERB}(?:\s+(?:rằng|về việc|về))?\s*[:,]?\s*`, 'iu');
/** One name: capitalised syllables ("Nguyễn Văn A", "Hoàng Thị Thu Hà"). */
const NAME = /^(\p{Lu}[\p{Ll}\p{M}]*\.?(?:\s+\p{Lu}[\p{Ll}\p{M}]*\.?){0,5})/u;
const AREA_START =
  /^(?:ở|tại|trú (?:tại|ở)|cư trú tại|thường trú|tổ dân phố|tổ|khu phố|khu dân cư|khu|ấp|thôn|xóm|bản|làng|buôn|khối|phường|xã|thị trấn|quận|huyện|đường|phố|số nhà|ngõ|ngách|hẻm|kiệt|chung cư|cụm dân cư|khóm)(?![\p{L}\p{N}])/iu;
const COUNT = /(\d+)\s*(?:cử tri|lượt cử tri|người)/iu;

/** Parses a speaker line, or returns null when the paragraph does not start with one. */
export function parseSpeech(text: string): Speech | null {
  const many = MANY.exec(text);
  const titled = many ? null : new RegExp(String.raw`^${TITLE}(?=\s|[:,(])`, 'iu').exec(text);
  if (!many && !titled) return null;
  let rest = text.slice((many ?? titled)![0].length).trim();
  const names: string[] = [];
  if (!many) rest = readNames(rest, names);
  const { area, after } = readArea(rest);
  const explicit = COUNT.exec(area ?? '');
  const verb = VERB_AT_START.exec(after);
  if (!verb && !after.startsWith(':')) return null;
  const body = verb ? after.slice(verb[0].length) : after.slice(1);
  const voters = explicit ? Number(explicit[1]) : Math.max(names.length, many ? 2 : 1);
  return { names, area: area && !explicit ? area : null, voters, rest: body.trim() };
}

function readNames(text: string, names: string[]): string {
  let rest = text;
  for (;;) {
    const name = NAME.exec(rest);
    if (!name) return rest;
    names.push(name[1]!);
    rest = rest.slice(name[0].length);
    const separator = new RegExp(String.raw`^\s*(?:,|;|và)\s*(?:${TITLE}\s+)?(?=\p{Lu})`, 'iu').exec(rest);
    if (!separator) return rest.trim();
    rest = rest.slice(separator[0].length);
  }
}

/** The area in brackets, or after a comma ("…, khu phố 3:"), or straight after the title ("Cử tri tổ 5"). */
function readArea(text: string): { area: string | null; after: string } {
  const bracket = /^\(([^)]*)\)\s*/.exec(text);
  if (bracket) return { area: bracket[1]!.trim() || null, after: text.slice(bracket[0].length) };
  const lead = /^,?\s*/.exec(text)![0];
  const tail = text.slice(lead.length);
  if (!AREA_START.test(tail)) return { area: null, after: text.replace(/^,\s*/, '') };
  // The area runs to the verb or the colon, whichever comes first.
  const stop = new RegExp(String.raw`(?:\s+${VERB}${END}|\s*:)`, 'iu').exec(tail);
  const end = stop ? stop.index : tail.length;
  return { area: tail.slice(0, end).replace(/[,\s]+$/, '') || null, after: tail.slice(end).trim() };
}

/** An attribution closing a compiled item: "… (cử tri Nguyễn Văn A, tổ 5)", "… (nhiều cử tri)". */
export function trailingAttribution(text: string): { text: string; speech: Speech } | null {
  const match = /\s*\(([^()]*cử tri[^()]*)\)\s*[.;]?\s*$/iu.exec(text);
  if (!match) return null;
  const inner = match[1]!.trim();
  const count = COUNT.exec(inner);
  const speech = parseSpeech(`${inner.replace(/^cử tri\s*:\s*/iu, 'Cử tri ')}:`) ?? {
    names: [],
    area: null,
    voters: 1,
    rest: '',
  };
  if (count) speech.voters = Math.max(speech.voters, Number(count[1]));
  else if (MANY.test(inner)) speech.voters = Math.max(speech.voters, 2);
  return { text: text.slice(0, match.index).trim(), speech };
}

/** Voters named in a list's speaker cell ("Nguyễn Văn A; Trần Thị B", "05 cử tri", "nhiều cử tri"). */
export function votersInCell(cell: string): { names: string[]; voters: number } {
  const count = COUNT.exec(cell);
  if (count) return { names: [], voters: Number(count[1]) };
  if (MANY.test(cell)) return { names: [], voters: 2 };
  const names = cell
    .split(/\s*(?:;|,|\n|\s+và\s+)\s*/u)
    .map((name) => name.replace(new RegExp(String.raw`^${TITLE}\s+`, 'iu'), '').trim())
    .filter((name) => name.length > 0);
  return { names, voters: Math.max(1, names.length) };
}
