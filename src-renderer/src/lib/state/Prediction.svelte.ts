/** A batch prediction from the Predict page: the choices, the progress events while it runs, the result table. */
import type { ApiClient, RequestArgs, RequestResult } from '../../../../src-main/api/contract';
import { ApiError } from '../api/api-error';
import { describeError } from '../errors';

type Result = RequestResult<'predict:run'>;
type Args = RequestArgs<'predict:run'>;

export class Prediction {
  #running = $state(false);
  #progress = $state.raw<{ done: number; total: number; rowsPerSecond: number } | null>(null);
  #status = $state<string | null>(null);
  #result = $state.raw<Result | null>(null);
  #error = $state<string | null>(null);
  /** A run refused because its output file exists: its arguments, to run again once the user agrees to replace the file. */
  #refused = $state.raw<Args | null>(null);

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
  /** The output file a run would have replaced, waiting for the user's answer; null when nothing is asked. */
  get existingOutput(): string | null {
    return this.#refused?.output ? outputPath(this.#refused.output) : null;
  }

  /** The user's answer about an existing output file: replace it (the run starts again), or not (they choose another name). */
  async answerReplace(replace: boolean): Promise<void> {
    const args = this.#refused;
    this.#refused = null;
    if (replace && args) await this.run({ ...args, replace: true });
  }

  /** Follows the engine's prediction events; returns the unsubscribe. */
  follow(): () => void {
    const stops = [
      this.client.on('predict:progress', (p) => this.#running && (this.#progress = p)),
      this.client.on('predict:status', ({ message }) => this.#running && (this.#status = message)),
    ];
    return () => stops.forEach((s) => s());
  }

  async run(args: Args): Promise<void> {
    this.#running = true;
    this.#progress = null;
    this.#status = 'Reading the file…';
    this.#error = null;
    this.#refused = null;
    this.#result = null;
    try {
      this.#result = await this.client.call('predict:run', args);
      await this.onDone();
    } catch (e) {
      // Never replaced unasked: the page asks, and runs again only if the user agrees.
      if (e instanceof ApiError && e.code === 'already-exists' && args.output && !args.replace) this.#refused = args;
      else this.#error = describeError(e);
    } finally {
      this.#running = false;
    }
  }
}

/** The file `output` names, with the folder's own separator. */
export function outputPath(output: { folder: string; name: string }): string {
  const separator = output.folder.includes('\\') && !output.folder.includes('/') ? '\\' : '/';
  return `${output.folder.replace(/[/\\]+$/, '')}${separator}${output.name}`;
}
