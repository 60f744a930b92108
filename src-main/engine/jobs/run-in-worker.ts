/**
 * Runs a registered job in a worker thread: events stream back through `onEvent`, `signal` cancels,
 * and a CrucibleError thrown in the worker is re-thrown here with its location and hint.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CrucibleError, type ErrorCode } from '../errors';
import type { JobEvent, JobInput, JobKind, JobOutput } from './registry';

/** The worker script: the built bundle beside this module, or the TypeScript source through tsx. */
function workerScript(): { file: string } {
  const here = dirname(fileURLToPath(import.meta.url));
  // Bundled, this module may sit in out/main/chunks/ while the worker entry is out/main/job-worker.js.
  const built = [join(here, 'job-worker.js'), join(here, '..', 'job-worker.js')].find((f) => existsSync(f));
  if (built && !here.includes(join('src-main', 'engine'))) return { file: built };
  return { file: join(here, 'worker-from-source.mjs') };
}

export function runInWorker<K extends JobKind>(
  kind: K,
  input: JobInput<K>,
  onEvent: (event: JobEvent<K>) => void,
  signal?: AbortSignal,
): Promise<JobOutput<K>> {
  const worker = new Worker(workerScript().file, { workerData: { kind, input } });
  const cancel = () => worker.postMessage({ cancel: true });
  signal?.addEventListener('abort', cancel, { once: true });
  return new Promise<JobOutput<K>>((resolve, reject) => {
    let settled = false;
    worker.on(
      'message',
      (message: { event?: JobEvent<K>; result?: JobOutput<K>; error?: { code: ErrorCode; message: string; hint?: string; location?: object } }) => {
        if (message.event !== undefined) onEvent(message.event);
        else if (message.error) {
          settled = true;
          const e = message.error;
          reject(new CrucibleError(e.code, e.message, { hint: e.hint, location: e.location }));
        } else if ('result' in message) {
          settled = true;
          resolve(message.result as JobOutput<K>);
        }
      },
    );
    worker.on('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.on('exit', (code) => {
      signal?.removeEventListener('abort', cancel);
      if (!settled) reject(new CrucibleError('internal', `The ${kind} worker stopped unexpectedly (exit code ${code}).`));
    });
  });
}
