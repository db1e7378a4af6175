import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { tempDir } from '../../__fixtures__/temp-connector';
import { typeCheckError } from './type-check';

/** Real diagnostics of a small program with `source` as its only file. */
function diagnosticsOf(dir: string, source: string): readonly ts.Diagnostic[] {
  const file = path.join(dir, 'src/x.ts');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, source);
  const program = ts.createProgram([file], { strict: true, noEmit: true, noLib: true, types: [] });
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
}

describe('typeCheckError', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir('tc-type-check-')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('issue 22.7: one error says "Fix it", several say "Fix them"', () => {
    const one = diagnosticsOf(dir, 'export const a: number = "x";\n');
    expect(one).toHaveLength(1);
    const single = typeCheckError(one, dir).message;
    expect(single).toContain('1 TypeScript error in the connector');
    expect(single).toContain('\nFix it; or, at your own risk,');
    expect(single).not.toContain('Fix them');
    const two = diagnosticsOf(dir, 'export const a: number = "x";\nexport const b: string = 1;\n');
    expect(two).toHaveLength(2);
    expect(typeCheckError(two, dir).message).toContain('2 TypeScript errors in the connector');
    expect(typeCheckError(two, dir).message).toContain('\nFix them; or, at your own risk,');
  });
});
