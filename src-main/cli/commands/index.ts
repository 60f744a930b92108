/** Every `crucible` sub-command, in the order `crucible --help` lists them. Adding one = one file + one line. */
import type { Command } from 'commander';
import { registerServe } from './serve';
import { registerStart } from './start';

export const commands: Array<(program: Command) => void> = [registerStart, registerServe];
