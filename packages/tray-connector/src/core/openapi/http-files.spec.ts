import { multipart } from './files/http-files';

describe('multipart (issue 29.4)', () => {
  const file = { name: 'a.bin', url: 'https://files.example.com/a', mime_type: 'application/octet-stream', expires: 0 };

  it('sends the named parts as files and the others as text fields (objects as JSON), absent and null ones not at all', () => {
    expect(
      multipart({ file, description: 'd', size: 3, draft: false, tags: ['a'], meta: { k: 1 }, gone: undefined, nil: null }, ['file']),
    ).toEqual({
      files: { file },
      fields: { description: 'd', size: '3', draft: 'false', tags: '["a"]', meta: '{"k":1}' },
    });
    expect(multipart(undefined, ['file'])).toEqual({ files: {}, fields: {} });
  });

  it('keeps a part named __proto__ an own property, not a prototype', () => {
    const body = JSON.parse('{"__proto__": "x", "constructor": "y"}');
    const out = multipart(body, []);
    expect(Object.keys(out.fields)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(out.fields)).toBe(Object.prototype);
  });
});
