/**
 * The Fine-tune page's choices: the source (a run or a model), what it holds, the method (full, frozen
 * encoder, LoRA) and the tasks to train; the heads plan says which heads continue, which are new and which
 * are kept frozen (and checked for forgetting).
 */
import type { ApiClient, FineTune, FineTuneSource, RequestResult, TaskSpec } from '../../../../src-main/api/contract';
import { describeError } from '../errors';

type SourceInfo = RequestResult<'finetune:source'>;
export type HeadFate = 'continues' | 'new' | 'kept';

export class FineTuneSetup {
  #from = $state.raw<FineTuneSource | null>(null);
  #source = $state.raw<SourceInfo | null>(null);
  #tasks = $state.raw<TaskSpec[]>([]);
  #chosen = $state.raw<string[]>([]);
  #method = $state<FineTune['method']>('lora');
  #loraRank = $state(8);
  #loraAlpha = $state(16);
  #error = $state<string | null>(null);

  constructor(private readonly client: ApiClient) {}

  get from(): FineTuneSource | null {
    return this.#from;
  }
  get source(): SourceInfo | null {
    return this.#source;
  }
  /** The project's tasks (all of them; the chosen ones train). */
  get tasks(): TaskSpec[] {
    return this.#tasks;
  }
  get chosen(): string[] {
    return this.#chosen;
  }
  get method(): FineTune['method'] {
    return this.#method;
  }
  set method(m: FineTune['method']) {
    this.#method = m;
  }
  get loraRank(): number {
    return this.#loraRank;
  }
  set loraRank(v: number) {
    this.#loraRank = v;
  }
  get loraAlpha(): number {
    return this.#loraAlpha;
  }
  set loraAlpha(v: number) {
    this.#loraAlpha = v;
  }
  get error(): string | null {
    return this.#error;
  }

  /** Every head of the new model and what happens to it. */
  readonly plan = $derived.by(() => {
    const own = this.#source?.tasks ?? [];
    const fate = (name: string): HeadFate => (own.some((t) => t.name === name) ? (this.#chosen.includes(name) ? 'continues' : 'kept') : 'new');
    return [
      ...own.map((t) => ({ name: t.name, type: t.type, fate: fate(t.name) })),
      ...this.#chosen
        .filter((n) => !own.some((t) => t.name === n))
        .map((name) => ({ name, type: this.#tasks.find((t) => t.name === name)?.type ?? 'regression', fate: 'new' as const })),
    ];
  });
  readonly problem = $derived.by(() => {
    if (!this.#from) return 'Choose a run or a model to start from.';
    if (this.#chosen.length === 0) return 'Choose at least one task to train.';
    if (this.#method === 'lora' && !(Number.isInteger(this.#loraRank) && this.#loraRank >= 1 && this.#loraRank <= 256))
      return 'The LoRA rank is a whole number from 1 to 256.';
    if (this.#method === 'lora' && !(this.#loraAlpha > 0 && this.#loraAlpha <= 1024)) return 'LoRA alpha is a number above 0 (at most 1024).';
    return null;
  });

  async load(): Promise<void> {
    try {
      this.#tasks = (await this.client.call('tasks:get', {})).tasks;
      if (this.#chosen.length === 0) this.#chosen = this.#tasks.filter((t) => t.enabled).map((t) => t.name);
    } catch (e) {
      this.#error = describeError(e);
    }
  }

  async choose(from: FineTuneSource): Promise<void> {
    this.#from = from;
    this.#source = null;
    this.#error = null;
    try {
      this.#source = await this.client.call('finetune:source', { from });
    } catch (e) {
      this.#error = describeError(e);
    }
  }

  toggle(task: string, on: boolean): void {
    this.#chosen = on ? [...new Set([...this.#chosen, task])] : this.#chosen.filter((t) => t !== task);
  }

  /** The request's fine-tuning part, or null while something is missing. */
  request(): FineTune | null {
    if (this.problem || !this.#from) return null;
    return { from: this.#from, method: this.#method, loraRank: this.#loraRank, loraAlpha: this.#loraAlpha, tasks: this.#chosen };
  }
}
