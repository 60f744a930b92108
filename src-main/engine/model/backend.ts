/**
 * Chooses the TensorFlow.js backend: `auto` tries the native TensorFlow bindings (GPU, then CPU),
 * then WebAssembly, then the pure-JS cpu backend, and reports what it got. The native packages are
 * optional dependencies that fail to install offline, so their absence is normal, not an error.
 */
import { createRequire } from 'node:module';
import { CrucibleError } from '../errors';
import type { BackendRequest } from '../vocabulary';
import { tf } from './tf';

export type { BackendRequest } from '../vocabulary';

export interface BackendInfo {
  /** The tfjs backend name in use: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** Which package provided it, e.g. '@tensorflow/tfjs-node-gpu'. */
  provider: string;
  /** Why earlier candidates were skipped (for provenance and the UI). */
  skipped: string[];
  simd?: boolean;
}

const requireHere = createRequire(import.meta.url);
let current: BackendInfo | undefined;

async function tryNative(pkg: string): Promise<boolean> {
  try {
    // The native bindings register the 'tensorflow' backend on import, on the same tfjs-core.
    requireHere(pkg);
    return tf.findBackend('tensorflow') !== null && (await tf.setBackend('tensorflow'));
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

/** Initialises (once per process) and returns the backend actually in use. */
export async function initBackend(request: BackendRequest = 'auto'): Promise<BackendInfo> {
  if (current && (request === 'auto' || current.name === request)) return current;
  const skipped: string[] = [];
  const attempts: Array<[string, string, () => Promise<boolean>]> = [];
  if (request === 'auto' || request === 'tensorflow') {
    attempts.push(['tensorflow', '@tensorflow/tfjs-node-gpu', () => tryNative('@tensorflow/tfjs-node-gpu')]);
    attempts.push(['tensorflow', '@tensorflow/tfjs-node', () => tryNative('@tensorflow/tfjs-node')]);
  }
  if (request === 'auto' || request === 'wasm') attempts.push(['wasm', '@tensorflow/tfjs-backend-wasm', tryWasm]);
  if (request === 'auto' || request === 'cpu') attempts.push(['cpu', '@tensorflow/tfjs-backend-cpu', () => tf.setBackend('cpu')]);

  for (const [name, provider, attempt] of attempts) {
    if (await attempt()) {
      await tf.ready();
      current = { name, provider, skipped, simd: name === 'wasm' ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : undefined };
      return current;
    }
    skipped.push(`${provider} unavailable`);
  }
  throw new CrucibleError('unsupported', `The "${request}" TensorFlow.js backend cannot be loaded here (${skipped.join('; ')}).`, {
    hint: request === 'tensorflow' ? 'Install @tensorflow/tfjs-node (needs network access) or use backend "auto".' : undefined,
  });
}

export function currentBackend(): BackendInfo | undefined {
  return current;
}
