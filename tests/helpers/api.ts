/** Calling the API router as a transport would, and a task mapping on real phonon DOS data. */
import type { EventName, EventPayload, TaskSpec } from '../../src-main/api/contract';
import type { EventHub, Router } from '../../src-main/api/router';

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

/** Every event a hub emits, kept in order and read back typed by name. */
export class EventLog {
  private readonly entries: { event: EventName; payload: unknown }[] = [];

  constructor(hub: EventHub) {
    hub.subscribe((event, payload) => this.entries.push({ event, payload }));
  }

  of<E extends EventName>(event: E): EventPayload<E>[] {
    return this.entries.filter((e) => e.event === event).map((e) => e.payload as EventPayload<E>);
  }

  first<E extends EventName>(event: E): EventPayload<E> | undefined {
    return this.of(event)[0];
  }

  clear(): void {
    this.entries.length = 0;
  }
}
