/** Builds the `crucible` command line: one module per command, listed in commands/index.ts. */
import { Command } from 'commander';
import { crucibleVersion } from '../engine/paths';
import { commands } from './commands/index';

export function buildProgram(): Command {
  const program = new Command('crucible')
    .description('Crucible: multi-task learning of material properties')
    .version(crucibleVersion(), '-v, --version')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false });
  for (const register of commands) register(program);
  return program;
}
