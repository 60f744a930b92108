/**
 * Worker-thread entry for long jobs. The parent posts `{ kind, input }`, then maybe `{ cancel: true }`;
 * the worker posts `{ event }` messages and finally `{ result }` or `{ error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isCrucibleError } from '../errors';
import { jobs, type JobKind } from './registry';

interface Start {
  kind: JobKind;
  input: unknown;
}

const port = parentPort!;
const controller = new AbortController();
port.on('message', (message: { cancel?: boolean }) => {
  if (message.cancel) controller.abort();
});

const { kind, input } = workerData as Start;
try {
  const result = await jobs[kind](input as never, { emit: (event: unknown) => port.postMessage({ event }), signal: controller.signal });
  port.postMessage({ result });
} catch (e) {
  port.postMessage({
    error: isCrucibleError(e)
      ? { code: e.code, message: e.message, hint: e.hint, location: e.location }
      : { code: 'internal', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) },
  });
} finally {
  port.close();
}
