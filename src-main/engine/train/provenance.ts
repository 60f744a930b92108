/** What a run records about where it came from: versions, backend, seeds and data hashes. */
import type { JoinReport } from '../data/join/material-union';
import { createRequire } from 'node:module';
import { hostname, platform, release, cpus } from 'node:os';
import type { BackendInfo } from '../model/backend';
import { crucibleVersion } from '../paths';

const requireHere = createRequire(import.meta.url);

function packageVersion(name: string): string | null {
  try {
    return (requireHere(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

export interface DataProvenance {
  /** A file's path as given, or `table:<name>` for a project table. */
  source: string;
  sha256: string;
  rows: number;
}

export interface Provenance {
  crucible: string;
  versions: Record<string, string | null>;
  backend: BackendInfo;
  seed: number;
  /** Seeds derived from `seed` per purpose, recorded for reading, not needed to reproduce. */
  derivedSeeds: Record<string, number>;
  data: DataProvenance[];
  /** Per attributes table of a joined run: rows read, keys, keys shared, duplicates and conflicts; and the union's material count. */
  join?: JoinReport;
  featurizer: { id: string; tableSha256: string } | null;
  machine: { host: string; platform: string; cpus: number };
  startedAt: string;
  finishedAt?: string;
  resumedAt?: string[];
}

export function describeEnvironment(): Pick<Provenance, 'crucible' | 'versions' | 'machine'> {
  return {
    crucible: crucibleVersion(),
    versions: {
      node: process.versions.node,
      '@tensorflow/tfjs': packageVersion('@tensorflow/tfjs'),
      '@tensorflow/tfjs-backend-wasm': packageVersion('@tensorflow/tfjs-backend-wasm'),
      '@tensorflow/tfjs-node': packageVersion('@tensorflow/tfjs-node'),
      '@tensorflow/tfjs-node-gpu': packageVersion('@tensorflow/tfjs-node-gpu'),
      'onnxruntime-node': packageVersion('onnxruntime-node'),
      '@duckdb/node-api': packageVersion('@duckdb/node-api'),
    },
    machine: { host: hostname(), platform: `${platform()} ${release()}`, cpus: cpus().length },
  };
}
