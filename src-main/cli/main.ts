/** Entry of the `crucible` command: runs the program, prints user errors in one line, bugs with a stack. */
import { isCrucibleError } from '../engine/errors';
import { explainError } from '../engine/util/system-errors';
import { buildProgram } from './program';

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (caught) {
    const e = explainError(caught);
    if (isCrucibleError(e)) {
      process.stderr.write(`crucible: ${e.describe()}\n`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
}

await main();
