/**
 * Nx reads target inputs and outputs as globs, with `{projectRoot}` put in as the folder's path as it is: a
 * connector in `connectors/x[one]` would hash `connectors/xo/src/**` (an edit to its own files served a stale
 * zip from the cache) and take another folder's zip as its output. The plugin writes such paths with their
 * glob characters escaped. Nx's glob engine rewrites `(a|b)` and `!` before it parses a pattern, whatever
 * escapes them, so a folder holding one of those cannot be named in a glob at all: such a connector is refused.
 */

/** Characters Nx's globs give a meaning (`,` inside braces) that a backslash turns back into the character itself. */
const ESCAPABLE = /[[\]{}*?,\\]/g;
/** Characters Nx's globs rewrite whatever escapes them. */
const INEXPRESSIBLE = /[()|!]/;

/** `root` with every glob character escaped, so Nx matches exactly that folder. */
export function escapeGlob(root: string): string {
  return root.replace(ESCAPABLE, (c) => `\\${c}`);
}

/** Why Nx cannot name `root` in a glob (a message naming the folder), or undefined when it can. */
export function inexpressibleRoot(root: string): string | undefined {
  const found = INEXPRESSIBLE.exec(root);
  if (!found) return undefined;
  return `The connector folder "${root}" holds "${found[0]}", which Nx's input and output globs cannot express (Nx rewrites ( ) | ! in every pattern): rename the folder without ( ) | !`;
}

/** True when `root` holds a character Nx's globs read as a pattern. */
export function needsEscape(root: string): boolean {
  return escapeGlob(root) !== root;
}
