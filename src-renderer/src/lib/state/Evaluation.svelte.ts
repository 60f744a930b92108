/** The run the Evaluate page shows: its test metrics (metrics.json) and its test predictions. */
import type { ApiClient, RequestResult, RunPredictions } from '../../../../src-main/api/contract';
import { describeError } from '../errors';

type RunDetails = RequestResult<'runs:get'>;

export class Evaluation {
  #runId = $state<string | null>(null);
  #details = $state.raw<RunDetails | null>(null);
  #predictions = $state.raw<RunPredictions | null>(null);
  #loading = $state(false);
  #error = $state<string | null>(null);
  #request = 0;

  constructor(private readonly client: ApiClient) {}

  get runId(): string | null {
    return this.#runId;
  }
  get details(): RunDetails | null {
    return this.#details;
  }
  get predictions(): RunPredictions | null {
    return this.#predictions;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): string | null {
    return this.#error;
  }

  async show(runId: string): Promise<void> {
    const request = ++this.#request;
    this.#runId = runId;
    this.#loading = true;
    this.#error = null;
    try {
      const [details, predictions] = await Promise.all([this.client.call('runs:get', { runId }), this.client.call('runs:predictions', { runId })]);
      if (request !== this.#request) return;
      this.#details = details;
      this.#predictions = predictions;
    } catch (e) {
      if (request !== this.#request) return;
      this.#details = null;
      this.#predictions = null;
      this.#error = describeError(e);
    } finally {
      if (request === this.#request) this.#loading = false;
    }
  }
}
