/** The bundle's crucible_predict.py: shipped in resources/python, copied into every bundle that reads formulas. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CrucibleError } from '../../errors';
import { resourcesDir } from '../../paths';

export function pythonHelperPath(): string {
  return join(resourcesDir(), 'python', 'crucible_predict.py');
}

export function pythonHelper(): Uint8Array {
  try {
    return new Uint8Array(readFileSync(pythonHelperPath()));
  } catch (e) {
    throw new CrucibleError('not-found', `The Python helper ${pythonHelperPath()} cannot be read.`, {
      cause: e,
      hint: 'Reinstall Crucible: the helper ships in its resources/python folder.',
    });
  }
}
