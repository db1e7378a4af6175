import fc from 'fast-check';
import * as ts from 'typescript';
import { code, commentText, docComment, docTag, id, lineComment, propertyName, str, untagged, value } from './ts-writer';

/** The tokens TypeScript's scanner reads in `text` (kind names), comments included. */
function tokens(text: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2021, false, ts.LanguageVariant.Standard, text);
  const out: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) out.push(ts.SyntaxKind[kind]);
  return out;
}

/** The string a one-literal expression statement holds, read back by TypeScript's parser. */
function literalText(source: string): string {
  const file = ts.createSourceFile('x.ts', `x = ${source};`, ts.ScriptTarget.ES2021, true);
  const statement = file.statements[0] as ts.ExpressionStatement;
  const literal = (statement.expression as ts.BinaryExpression).right;
  if (!ts.isStringLiteral(literal) || (file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length)
    throw new Error(`not one string literal: ${source}`);
  return literal.text;
}

// Kind names as the scanner reports them (SyntaxKind has aliases such as FirstTriviaToken).
const K = {
  SingleLineCommentTrivia: ts.SyntaxKind[ts.SyntaxKind.SingleLineCommentTrivia],
  MultiLineCommentTrivia: ts.SyntaxKind[ts.SyntaxKind.MultiLineCommentTrivia],
  NewLineTrivia: ts.SyntaxKind[ts.SyntaxKind.NewLineTrivia],
  WhitespaceTrivia: ts.SyntaxKind[ts.SyntaxKind.WhitespaceTrivia],
};

const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('*/\'"`${x}\\\u2028\u2029\0\r\n', '**//', '\\u0041', '\0' + '1'),
);

describe('ts-writer', () => {
  it('str: any text is one string literal on one line that reads back as the same text (fast-check)', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const literal = str(text).text;
        expect(literal).toMatch(/^'[\x20-\x7e]*'$/);
        expect(literalText(literal)).toBe(text);
      }),
      { seed: 19, numRuns: 300 },
    );
  });

  it('value: JSON data round-trips, __proto__ stays an own property', () => {
    const data = { a: [1, -2.5, true, null, 'x\u2028y'], 'b-c': { d: "it's" }, constructor: 'k' };
    expect(new Function(`return ${value(data).text};`)()).toEqual(data);
    const proto = JSON.parse('{"__proto__": {"x": 1}}');
    const back = new Function(`return ${value(proto).text};`)();
    expect(Object.prototype.hasOwnProperty.call(back, '__proto__')).toBe(true);
    expect(propertyName('__proto__').text).toBe("['__proto__']");
    expect(propertyName('__proto__', 'type').text).toBe("'__proto__'");
  });

  it('comments: spec text cannot end a // line or close a /** */ block (fast-check)', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        expect(tokens(`${lineComment(text).text}\n`)).toEqual([K.SingleLineCommentTrivia, K.NewLineTrivia]);
        const block = docComment([text], '', [`@title ${text}`]).text;
        expect(tokens(block).filter((t) => t !== K.NewLineTrivia && t !== K.WhitespaceTrivia)).toEqual([K.MultiLineCommentTrivia]);
        expect(tokens(`/** ${commentText(text).text} */`)).toEqual([K.MultiLineCommentTrivia]);
      }),
      { seed: 19, numRuns: 300 },
    );
  });

  it('JSDoc: spec words start no tag and a docTag value comes back exactly, as TypeScript parses it (28.3, fast-check)', () => {
    const text = fc
      .array(
        fc.oneof(
          fc.constantFrom('@', '@type', '{@link x}', ' ', '\n', '*', '`', 'a', '1', '(', '"', '\\', '*/', '\u00e9', '\u2028'),
          fc.string(),
        ),
        {
          maxLength: 12,
        },
      )
      .map((p) => p.join(''));
    fc.assert(
      fc.property(text, text, (words, tagText) => {
        const block = docComment([words], '', [docTag('title', tagText), docTag('default', tagText)]).text;
        const file = ts.createSourceFile('x.ts', `${block}type X = 1;`, ts.ScriptTarget.ES2021, true);
        const tags = ts.getJSDocTags(file.statements[0]);
        expect(tags.map((t) => t.tagName.text)).toEqual(['title', 'default']);
        for (const tag of tags) expect(JSON.parse(ts.getTextOfJSDocComment(tag.comment) ?? '')).toBe(tagText);
      }),
      { seed: 19, numRuns: 500 },
    );
    expect(untagged('e.g. @octocat, {@link x}, jane@example.com')).toBe('e.g. \uff20octocat, {\uff20link x}, jane@example.com');
    expect(docTag('default', 'none @TJS-type integer')).toBe('@default "none \\u0040TJS-type integer"');
  });

  it('refuses what is not code: plain strings in code``, identifiers that are not the plugin’s', () => {
    expect(() => code`x = ${'1; evil()' as never};`).toThrow(/is not code: wrap it with str\(\)/);
    expect(() => id('a-b')).toThrow(/not a safe identifier/);
    expect(() => id('delete')).toThrow(/not a safe identifier/);
    expect(() => id('x\u2028')).toThrow(/not a safe identifier/);
    expect(code`const ${id('a')} = ${str('b')};`.text).toBe("const a = 'b';");
  });
});
