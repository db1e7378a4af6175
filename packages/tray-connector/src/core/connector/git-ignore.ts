import * as fs from 'fs';
import ignore, { Ignore } from 'ignore';
import * as path from 'path';

/**
 * Git's ignore rules as Nx applies them when it hashes a task's inputs: every `.gitignore` (and
 * `.nxignore`) from the workspace root down to a file's folder, a deeper file's patterns
 * overriding a shallower one's, a later pattern overriding an earlier one, `!pattern`
 * re-including, and nothing re-included below an ignored folder (the walk never enters one).
 * The build zips exactly the files this does not ignore, so a cached zip and a fresh one agree.
 */

/** The ignore files read in every folder, in the order their rules apply. */
export const IGNORE_FILES = ['.gitignore', '.nxignore'];

interface Level {
  /** Absolute folder whose ignore files these are. */
  dir: string;
  rules: Ignore[];
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function readRules(dir: string): Ignore[] {
  const rules: Ignore[] = [];
  for (const name of IGNORE_FILES) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    // Case-sensitive, as git is (core.ignorecase is false on Linux) and as Nx's hashing is: `*.ctx.json`
    // does not ignore `test.ctx.JSON`, so that file stays an input and the credential check sees it.
    rules.push(ignore({ allowRelativePaths: true, ignorecase: false }).add(text));
  }
  return rules;
}

export class GitIgnore {
  private readonly levels: Level[];

  private constructor(levels: Level[]) {
    this.levels = levels;
  }

  /**
   * The rules that apply at `dir`: the ignore files of every folder from `workspaceRoot` down to
   * `dir` (only `dir`'s own when it is not inside the workspace root).
   */
  static at(dir: string, workspaceRoot: string): GitIgnore {
    const target = path.resolve(dir);
    const root = path.resolve(workspaceRoot);
    const dirs: string[] = [];
    if (isInside(root, target)) {
      for (let d = target; ; d = path.dirname(d)) {
        dirs.unshift(d);
        if (d === root || d === path.dirname(d)) break;
      }
    } else {
      dirs.push(target);
    }
    return new GitIgnore(dirs.map((d) => ({ dir: d, rules: readRules(d) })).filter((l) => l.rules.length > 0));
  }

  /** The rules for a subfolder of the last folder: these plus the subfolder's own ignore files. */
  enter(dir: string): GitIgnore {
    const rules = readRules(dir);
    return rules.length ? new GitIgnore([...this.levels, { dir: path.resolve(dir), rules }]) : this;
  }

  /** True when git ignores `file` (absolute); `isDirectory` for a folder (patterns ending in "/" match only folders). */
  ignores(file: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const level of this.levels) {
      const rel = toPosix(path.relative(level.dir, file));
      if (!rel || rel.startsWith('..')) continue;
      const candidate = isDirectory ? `${rel}/` : rel;
      for (const rules of level.rules) {
        const result = rules.test(candidate);
        if (result.ignored) ignored = true;
        else if (result.unignored) ignored = false;
      }
    }
    return ignored;
  }
}
