import { camelCase, pascalCase, startCase, words } from './text-case';

// lodash is what Tray's builder uses (a dependency of @trayio/tray-schema, installed with the dev dependency
// @trayio/cdk-build); these functions must agree with it on every input.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lodash = require('lodash') as {
  camelCase(s: string): string;
  startCase(s: string): string;
  upperFirst(s: string): string;
  words(s: string): string[];
};

const SAMPLES = [
  'list_contacts',
  'get-contact',
  'getContact',
  'HTTP_REQUEST',
  'HTTPRequest',
  'companyName',
  'pending_review',
  'v2_score',
  'v2Score',
  'user1',
  '1st_place',
  '2ND',
  'version 3.1.4',
  'ABC',
  'aBC',
  'a-b-c',
  '__private__',
  '',
  '  spaced   out ',
  "don't stop",
  "ITS'S",
  'Crème brûlée',
  'straße',
  'Æon',
  'ÉCOLE_normale',
  'user@example.com',
  'snake_case_with_10_numbers',
  'XMLHttpRequest',
  'iOS',
  'é',
  'emoji 🚀 launch',
  'x',
  'X',
  '123',
  '1.5',
  'A1B2C3',
  'get_1password_items',
  'update-deal',
  'list_files',
  'ÀÁÂ',
  'œuvre',
  'Ωmega',
  'naïve-café',
  'tab\tsep',
  'multi\nline',
];

describe('text-case (lodash semantics)', () => {
  it.each(SAMPLES)('%j', (s) => {
    expect(words(s.replace(/['\u2019]/g, ''))).toEqual(lodash.words(s.replace(/['\u2019]/g, '')));
    expect(camelCase(s)).toBe(lodash.camelCase(s));
    expect(startCase(camelCase(s))).toBe(lodash.startCase(lodash.camelCase(s)));
    expect(pascalCase(s)).toBe(lodash.upperFirst(lodash.camelCase(s)));
  });

  it('gives Tray type names and labels', () => {
    expect(pascalCase('list_contacts')).toBe('ListContacts');
    expect(pascalCase('update-deal')).toBe('UpdateDeal');
    expect(startCase(camelCase('HTTP_REQUEST'))).toBe('Http Request');
    expect(startCase(camelCase('companyName'))).toBe('Company Name');
  });
});
