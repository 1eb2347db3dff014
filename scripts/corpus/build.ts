// Turns scripts/corpus/raw.tsv (what was gathered from public pages, one petition a line)
// into corpus/petitions.jsonl, deriving the level from the answering body by the rules in
// corpus/README.md. Run: npx tsx scripts/corpus/build.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { foldDiacritics } from '../../src/core/text.ts';

const RAW = new URL('./raw.tsv', import.meta.url);
const OUT = new URL('../../corpus/petitions.jsonl', import.meta.url);
/** The two-level local government starts on this day: later answers use the current taxonomy. */
const REFORM_DAY = '2025-07-01';
/** Cities run by the centre, so their UBND is provincial ("city") level; Huế from 2025. */
const CENTRAL_CITIES = ['ha noi', 'ho chi minh', 'hai phong', 'da nang', 'can tho'];

type LegacyLevel = 'central' | 'city' | 'district' | 'commune';

/** Rule 2: bodies of the centre (folded), at the start of the answering body's name. */
const CENTRAL_BODY = new RegExp(
  `^(${[
    'bo ',
    'uy ban dan toc',
    'chinh phu',
    'thu tuong',
    'quoc hoi',
    'ngan hang nha nuoc',
    'bao hiem xa hoi viet nam',
    'tap doan ',
    'benh vien trung uong',
    '(khu|van phong) quan ly duong bo',
  ].join('|')})`,
);

/** Rule 1-5 of corpus/README.md: the body that resolved the petition gives its level. */
export function levelOfBody(body: string, date: string): LegacyLevel {
  const b = foldDiacritics(body);
  if (CENTRAL_BODY.test(b)) {
    return 'central';
  }
  if (/(xa|phuong|thi tran|dac khu) [a-z0-9]/.test(b) && /^(ubnd|uy ban nhan dan|trung tam dich vu|cong an)/.test(b)) {
    return 'commune';
  }
  const city = /^ubnd thanh pho ([a-z ]+)/.exec(b)?.[1]?.trim();
  if (city) {
    const central = CENTRAL_CITIES.includes(city) || (city === 'hue' && date >= '2025-01-01');
    return central ? 'city' : 'district';
  }
  if (/don vi cua ubnd thanh pho hue/.test(b)) return date >= '2025-01-01' ? 'city' : 'district';
  if (/^(ubnd|uy ban nhan dan) (huyen|quan|thi xa)/.test(b)) return 'district';
  if (/^(ubnd tinh|uy ban nhan dan tinh|so |cong an tinh|ban quan ly du an .*tinh|cong ty dien luc)/.test(b)) {
    return 'city';
  }
  if (/\(don vi cua ubnd tinh\)/.test(b)) {
    return 'city';
  }
  throw new Error(`no rule gives the level of "${body}"`);
}

/** Current level of a legacy one: the old district's tasks went to the commune (rule 6). */
function currentOf(level: LegacyLevel): 'central' | 'city' | 'commune' {
  return level === 'district' ? 'commune' : level;
}

function build(): string[] {
  const lines: string[] = [];
  const sources = new Set<string>();
  readFileSync(RAW, 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .forEach((line, i) => {
      const [url, date, precision, body, field, textForm, text] = line.split('\t');
      if (!url || !body || !field || !text) throw new Error(`raw.tsv line ${i + 1}: missing column`);
      if (sources.has(url)) throw new Error(`raw.tsv line ${i + 1}: ${url} is already in the corpus`);
      sources.add(url);
      const level = levelOfBody(body, date ?? '');
      const current = Boolean(date) && date! >= REFORM_DAY;
      lines.push(
        JSON.stringify({
          id: `p${String(i + 1).padStart(4, '0')}`,
          text,
          text_form: textForm,
          source: url,
          date: date || null,
          date_precision: precision,
          answering_body: body,
          taxonomy: current ? 'current' : 'legacy',
          authority: current ? currentOf(level) : level,
          authority_current: currentOf(level),
          field,
        }),
      );
    });
  return lines;
}

const lines = build();
writeFileSync(OUT, `${lines.join('\n')}\n`);
console.log(`${lines.length} petitions -> corpus/petitions.jsonl`);
