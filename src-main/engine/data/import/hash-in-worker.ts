/**
 * SHA-256 of a file on a worker thread, streamed. The import starts it once DuckDB has read the file, so the
 * hashing uses the core that the checks leave free instead of slowing the read, which keeps every core busy.
 */
import { Worker } from 'node:worker_threads';

// Plain CommonJS evaluated in the worker: nothing to resolve, so it runs the same from source and when bundled.
const HASH_WORKER = `
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const hash = createHash('sha256');
createReadStream(workerData, { highWaterMark: 1 << 22 })
  .on('data', (chunk) => hash.update(chunk))
  .on('error', (e) => { throw e; })
  .on('end', () => parentPort.postMessage(hash.digest('hex')));
`;

export function sha256FileInWorker(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(HASH_WORKER, { eval: true, workerData: path });
    worker.once('message', (digest: string) => {
      resolve(digest);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}
