/**
 * Word splitting and casing with the semantics of lodash 4 (`words`, `camelCase`,
 * `startCase`, `upperFirst`), which Tray's builder uses for type names
 * (`upperFirst(camelCase(folder))`) and for enum labels (`startCase(camelCase(value))`).
 * Schemas must match Tray's byte for byte, so these follow lodash's rules, including
 * its split of `HTTPRequest` into `HTTP Request`, digits as their own words and ordinals.
 */

const BREAK_RANGE =
  '\\xac\\xb1\\xd7\\xf7' + // math operators
  '\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\xbf' + // non-characters
  '\\u2000-\\u206f' + // punctuation
  ' \\t\\x0b\\f\\xa0\\ufeff\\n\\r\\u2028\\u2029\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000'; // spaces
const UPPER_RANGE = 'A-Z\\xc0-\\xd6\\xd8-\\xde';
const LOWER_RANGE = 'a-z\\xdf-\\xf6\\xf8-\\xff';
const ASTRAL_RANGE = '\\ud800-\\udfff';
const DINGBAT_RANGE = '\\u2700-\\u27bf';
const COMBO = '[\\u0300-\\u036f\\ufe20-\\ufe2f\\u20d0-\\u20ff]';

const BREAK = `[${BREAK_RANGE}]`;
const UPPER = `[${UPPER_RANGE}]`;
const LOWER = `[${LOWER_RANGE}]`;
// "Misc" letters: neither break, digit, dingbat, lower nor upper (lodash puts `\d+` literally in this class).
const MISC = `[^${ASTRAL_RANGE}${BREAK_RANGE}\\d+${DINGBAT_RANGE}${LOWER_RANGE}${UPPER_RANGE}]`;
const MISC_LOWER = `(?:${LOWER}|${MISC})`;
const MISC_UPPER = `(?:${UPPER}|${MISC})`;
const APOS = "['\\u2019]";
const CONTRACTION_LOWER = `(?:${APOS}(?:d|ll|m|re|s|t|ve))?`;
const CONTRACTION_UPPER = `(?:${APOS}(?:D|LL|M|RE|S|T|VE))?`;
const FITZ = '\\ud83c[\\udffb-\\udfff]';
const MODIFIER = `(?:${COMBO}|${FITZ})`;
const REGIONAL = '(?:\\ud83c[\\udde6-\\uddff]){2}';
const SURROGATE_PAIR = '[\\ud800-\\udbff][\\udc00-\\udfff]';
const VARIATION = '[\\ufe0e\\ufe0f]?';
const JOIN = `(?:\\u200d(?:[^${ASTRAL_RANGE}]|${REGIONAL}|${SURROGATE_PAIR})${VARIATION}${MODIFIER}?)*`;
const EMOJI = `(?:[${DINGBAT_RANGE}]|${REGIONAL}|${SURROGATE_PAIR})${VARIATION}${MODIFIER}?${JOIN}`;

const COMPLEX_WORD = new RegExp(
  [
    `${UPPER}?${LOWER}+${CONTRACTION_LOWER}(?=${BREAK}|${UPPER}|$)`,
    `${MISC_UPPER}+${CONTRACTION_UPPER}(?=${BREAK}|${UPPER}${MISC_LOWER}|$)`,
    `${UPPER}?${MISC_LOWER}+${CONTRACTION_LOWER}`,
    `${UPPER}+${CONTRACTION_UPPER}`,
    '\\d*(?:1ST|2ND|3RD|(?![123])\\dTH)(?=\\b|[a-z_])',
    '\\d*(?:1st|2nd|3rd|(?![123])\\dth)(?=\\b|[A-Z_])',
    '\\d+',
    EMOJI,
  ].join('|'),
  'g',
);
const HAS_COMPLEX_WORD = /[a-z][A-Z]|[A-Z]{2}[a-z]|[0-9][a-zA-Z]|[a-zA-Z][0-9]|[^a-zA-Z0-9 ]/;
const SIMPLE_WORD = /[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+/g;

/** Latin-1 / Latin Extended-A letters without a canonical decomposition, as lodash's deburr maps them. */
const DEBURR_SPECIAL: Record<string, string> = {
  Æ: 'Ae',
  æ: 'ae',
  Ð: 'D',
  ð: 'd',
  Ø: 'O',
  ø: 'o',
  Þ: 'Th',
  þ: 'th',
  ß: 'ss',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  Ĳ: 'IJ',
  ĳ: 'ij',
  ĸ: 'k',
  Ŀ: 'L',
  ŀ: 'l',
  Ł: 'L',
  ł: 'l',
  ŉ: "'n",
  Ŋ: 'N',
  ŋ: 'n',
  Œ: 'Oe',
  œ: 'oe',
  Ŧ: 'T',
  ŧ: 't',
  ſ: 's',
};

/** Latin-1 Supplement and Latin Extended-A letters to basic Latin; combining marks removed. */
export function deburr(value: string): string {
  return value
    .replace(
      /[\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u017f]/g,
      (ch) => DEBURR_SPECIAL[ch] ?? ch.normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
    )
    .replace(/[\u0300-\u036f\ufe20-\ufe2f\u20d0-\u20ff]/g, '');
}

export function words(value: string): string[] {
  const pattern = HAS_COMPLEX_WORD.test(value) ? COMPLEX_WORD : SIMPLE_WORD;
  return value.match(pattern) ?? [];
}

export function upperFirst(value: string): string {
  if (!value) return value;
  const first = String.fromCodePoint(value.codePointAt(0) as number);
  return first.toUpperCase() + value.slice(first.length);
}

function compound(value: string, join: (result: string, word: string, index: number) => string): string {
  return words(deburr(value).replace(/['\u2019]/g, '')).reduce(join, '');
}

/** `list_contacts` -> `listContacts`, `HTTP_REQUEST` -> `httpRequest`. */
export function camelCase(value: string): string {
  return compound(value, (result, word, index) => {
    const lower = word.toLowerCase();
    return result + (index ? upperFirst(lower) : lower);
  });
}

/** `companyName` -> `Company Name`. */
export function startCase(value: string): string {
  return compound(value, (result, word, index) => result + (index ? ' ' : '') + upperFirst(word));
}

/** Tray's type-name prefix for an operation folder: `list_contacts` -> `ListContacts`. */
export function pascalCase(value: string): string {
  return upperFirst(camelCase(value));
}
