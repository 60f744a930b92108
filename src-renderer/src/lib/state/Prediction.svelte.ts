/** A batch prediction from the Predict page: the choices, the progress events while it runs, the result table. */
import type { ApiClient, RequestResult } from '../../../../src-main/api/contract';
import { describeError } from '../errors';

type Result = RequestResult<'predict:run'>;

export class Prediction {
  #running = $state(false);
  #progress = $state.raw<{ done: number; total: number; rowsPerSecond: number } | null>(null);
  #status = $state<string | null>(null);
  #result = $state.raw<Result | null>(null);
  #error = $state<string | null>(null);

  constructor(
    private readonly client: ApiClient,
    private readonly onDone: () => Promise<void>,
  ) {}

  get running(): boolean {
    return this.#running;
  }
  get progress(): { done: number; total: number; rowsPerSecond: number } | null {
    return this.#progress;
  }
  get status(): string | null {
    return this.#status;
  }
  get result(): Result | null {
    return this.#result;
  }
  get error(): string | null {
    return this.#error;
  }

  /** Follows the engine's prediction events; returns the unsubscribe. */
  follow(): () => void {
    const stops = [
      this.client.on('predict:progress', (p) => this.#running && (this.#progress = p)),
      this.client.on('predict:status', ({ message }) => this.#running && (this.#status = message)),
    ];
    return () => stops.forEach((s) => s());
  }

  async run(args: { model: string; file: string; table?: string; output?: { folder: string; name: string } }): Promise<void> {
    this.#running = true;
    this.#progress = null;
    this.#status = 'Reading the file…';
    this.#error = null;
    this.#result = null;
    try {
      this.#result = await this.client.call('predict:run', args);
      await this.onDone();
    } catch (e) {
      this.#error = describeError(e);
    } finally {
      this.#running = false;
    }
  }
}
