/**
 * A long job (training, sweeps, batch prediction) as a plain async function of its input, a sink for
 * progress events and a cancellation signal. The same function runs in-process (tests, CLI) or in a
 * worker thread (the app, so the UI never freezes).
 */
export interface JobContext<E> {
  emit(event: E): void;
  signal: AbortSignal;
}

export type JobFunction<I, E, O> = (input: I, ctx: JobContext<E>) => Promise<O>;
