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
