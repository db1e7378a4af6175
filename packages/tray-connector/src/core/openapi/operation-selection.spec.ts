import { checkSelection, selected } from './operation-selection';
import { operationName } from './operations';
import type { OpenApiDocument } from './load-spec';

const op = { operationId: 'repos/get', name: 'repos_get', path: '/repos/{owner}/{repo}', tags: ['repos'] };

describe('selected', () => {
  it('matches --operations on operationId, name or path; --paths on the path; --tags on a tag; every option given must match', () => {
    expect(selected({}, op)).toBe(true);
    expect(selected({ operations: ['repos/*'] }, op)).toBe(true);
    expect(selected({ operations: ['REPOS_GET'] }, op)).toBe(true);
    expect(selected({ paths: ['/repos/**'] }, op)).toBe(true);
    expect(selected({ paths: ['/repos/*'] }, op)).toBe(false);
    expect(selected({ paths: ['repos_get'] }, op)).toBe(false);
    expect(selected({ tags: ['rep*'] }, op)).toBe(true);
    expect(selected({ tags: ['rep*'], paths: ['/users/**'] }, op)).toBe(false);
  });
});

describe('checkSelection', () => {
  // A spec of 100 operations: the error lists 40 of them and counts the rest.
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < 100; i++) paths[`/things/${String(i).padStart(3, '0')}`] = { get: { operationId: `get${i}`, tags: [`t${i % 3}`] } };
  const doc = { openapi: '3.0.3', paths } as OpenApiDocument;

  it('accepts globs that each match an operation, even when together they select none', () => {
    expect(() => checkSelection(doc, { tags: ['t1'], paths: ['/things/000'] }, operationName)).not.toThrow();
  });

  it('lists at most 40 of what exists and counts the rest', () => {
    expect(() => checkSelection(doc, { paths: ['/nothing'] }, operationName)).toThrow(
      /The spec's paths: "\/things\/000", .*"\/things\/039" and 60 more$/,
    );
    expect(() => checkSelection(doc, { tags: ['x'], operations: ['y'] }, operationName)).toThrow(
      /--tags "x" matches no operation's tag. The spec's tags: "t0", "t1", "t2"\n--operations "y" matches no operationId/,
    );
  });
});
