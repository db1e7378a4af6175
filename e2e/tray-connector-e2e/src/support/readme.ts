import * as fs from 'fs';

/**
 * The shell command lines of a README's ```sh blocks, without their trailing `# comments`, so an e2e can
 * check that each command it runs is one the README shows, character for character.
 */
export function readmeCommands(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const commands: string[] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1].split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

/**
 * `command`, after checking that it is one of `documented` (a README's commands) character for character:
 * the test fails when the README no longer shows it.
 */
export function documentedCommand(documented: readonly string[], command: string): string {
  if (!documented.includes(command)) throw new Error(`the README shows no command \`${command}\``);
  return command;
}

/**
 * The command lines of the ```sh blocks of a README's quick start (between `<!-- quick-start -->` and
 * `<!-- /quick-start -->`), in order: what an e2e runs, every one of them, so the quick start runs as written.
 */
export function quickStartCommands(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const start = text.indexOf('<!-- quick-start -->');
  const end = text.indexOf('<!-- /quick-start -->');
  if (start < 0 || end < start) throw new Error(`${file} has no <!-- quick-start --> ... <!-- /quick-start --> section`);
  const commands: string[] = [];
  for (const block of text.slice(start, end).matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1].split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}
