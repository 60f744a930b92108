/** Calling the API router as a transport would, and a task mapping on real phonon DOS data. */
import type { TaskSpec } from '../../src-main/api/contract';
import type { Router } from '../../src-main/api/router';

/** Dispatches a request and returns its result, failing the test with the error envelope otherwise. */
export async function call<T>(router: Router, name: string, args: unknown): Promise<T> {
  const out = await router.dispatch(name, args);
  if (!out.ok) throw new Error(`${name}: ${JSON.stringify(out.error)}`);
  return out.result as T;
}

/** The phonon DOS curve task on a `phonons` table imported from mp_phonon_dos.csv. */
export function dosTask(over: Partial<TaskSpec> = {}): TaskSpec {
  return {
    name: 'phonon_dos',
    table: 'phonons',
    type: 'sequence',
    subtype: 'vec',
    data_column: 'dos',
    steps_column: 'frequency_grid',
    loss_weight: 1,
    task_masking_ratio: 1,
    enabled: true,
    head_options: {},
    ...over,
  };
}
