/**
 * An onnxruntime-node session for one model on the CUDA or the CPU execution provider. 'auto' takes CUDA
 * when its provider library is installed and a session on it can be created (a GPU is present), else the
 * CPU; 'cuda' insists and says why it cannot. The provider actually used is reported.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { CrucibleError } from '../errors';

export type ProviderRequest = 'auto' | 'cuda' | 'cpu';
export const PROVIDER_REQUESTS: readonly ProviderRequest[] = ['auto', 'cuda', 'cpu'];

export interface ModelSession {
  session: ort.InferenceSession;
  provider: 'cuda' | 'cpu';
  /** Intra-op threads of the CPU provider. */
  threads: number;
  /** Why CUDA is not used, when 'auto' fell back to the CPU. */
  fallbackReason?: string;
}

export interface SessionOptions {
  provider?: ProviderRequest;
  /** Intra-op threads; default: every core. */
  threads?: number;
}

const CUDA_HINT = 'Install the CUDA provider with `npm run install:cuda` (CUDA 12 and cuDNN 9 drivers needed), or use --provider cpu.';

/** The folder of onnxruntime-node's native binding, where optional provider libraries are installed. */
function bindingDir(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/** Why the CUDA provider cannot be tried here, or null when its library is installed. */
export function cudaUnavailableReason(): string | null {
  if (!['linux', 'win32'].includes(process.platform) || process.arch !== 'x64')
    return `onnxruntime-node has no CUDA provider for ${process.platform}-${process.arch}`;
  const library = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return existsSync(join(bindingDir(), library)) ? null : `the CUDA execution provider is not installed (${library} is missing)`;
}

async function create(onnx: Uint8Array, provider: 'cuda' | 'cpu', threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(onnx, {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // A failed CUDA attempt is reported by us, in one line, not by the runtime's own logger.
    logSeverityLevel: provider === 'cuda' ? 4 : 2,
  });
}

export async function createModelSession(onnx: Uint8Array, opts: SessionOptions = {}): Promise<ModelSession> {
  const request = opts.provider ?? 'auto';
  const threads = opts.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new CrucibleError('bad-input', `The thread count must be a positive whole number, not ${threads}.`);
  let fallbackReason: string | undefined;
  if (request !== 'cpu') {
    const reason = cudaUnavailableReason();
    if (reason === null) {
      try {
        return { session: await create(onnx, 'cuda', threads), provider: 'cuda', threads };
      } catch (e) {
        fallbackReason = `a CUDA session could not be created (${(e as Error).message.split('\n')[0]})`;
      }
    } else fallbackReason = reason;
    if (request === 'cuda') throw new CrucibleError('unsupported', `The CUDA provider was requested, but ${fallbackReason}.`, { hint: CUDA_HINT });
  }
  try {
    return { session: await create(onnx, 'cpu', threads), provider: 'cpu', threads, ...(fallbackReason ? { fallbackReason } : {}) };
  } catch (e) {
    throw new CrucibleError('bad-input', `onnxruntime cannot load the model (${(e as Error).message.split('\n')[0]}).`, {
      hint: 'Export the model again from its training run.',
    });
  }
}
