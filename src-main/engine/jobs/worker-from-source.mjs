// Development only: a worker thread cannot load TypeScript by itself, so this plain-JS entry
// registers tsx in the worker and then loads the real entry (the build bundles job-worker.js instead).
import { register } from 'tsx/esm/api';

register();
await import(new URL('./worker-entry.ts', import.meta.url).href);
