/**
 * The applicability-domain check of batch prediction (the rule: run-folder/domain.ts): the bundle's distance
 * graph in an onnxruntime session gives each row's distance to the sampled training rows, fed the descriptor
 * rows model.onnx is fed, and each formula's elements are held against the training elements of every task.
 */
import * as ort from 'onnxruntime-node';
import type { BundleManifest } from '../export/bundle/manifest';
import { DomainJudge, type DomainVerdicts } from '../run-folder/domain';
import type { Batch } from './batch-reader';
import type { ModelDomain } from './model-source';
import { createModelSession, type ModelSession } from './ort-session';

/** Rows per distance call: the rows × sample matrix stays a few tens of MB. */
const CHUNK_ROWS = 1024;

export class DomainCheck {
  private readonly judge: DomainJudge;
  private readonly width: number;

  private constructor(
    private readonly session: ModelSession,
    private readonly manifest: BundleManifest,
    private readonly domain: ModelDomain,
  ) {
    this.judge = new DomainJudge(
      domain.record,
      manifest.tasks.map((t) => t.name),
    );
    this.width = manifest.input.descriptors.columns.length;
  }

  /** On the provider the model runs on: the distances are one large matrix product per chunk, which a GPU makes small. */
  static async create(manifest: BundleManifest, domain: ModelDomain, model: ModelSession): Promise<DomainCheck> {
    return new DomainCheck(await createModelSession(domain.onnx, { provider: model.provider, threads: model.threads }), manifest, domain);
  }

  /** What a user should know about how rows are judged. */
  notes(featurized: boolean): string[] {
    const { record } = this.domain;
    return [
      ...(featurized ? [] : ['The input gives descriptors, not formulas: rows are judged by their distance to the training data only, not by their elements.']),
      ...(record.threshold === null ? ['The run had no validation rows to set a distance threshold: rows are judged by their elements only.'] : []),
    ];
  }

  private async distances(batch: Batch): Promise<Float32Array> {
    const { input } = this.manifest;
    const out = new Float32Array(batch.n);
    const d = this.width;
    for (let start = 0; start < batch.n; start += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, batch.n - start);
      const feeds: Record<string, ort.Tensor> = {
        [input.descriptors.input]: new ort.Tensor('float32', batch.x.subarray(start * d, (start + rows) * d), [rows, d]),
      };
      if (input.composition) feeds[input.composition.input] = new ort.Tensor('float32', new Float32Array(0), [0, input.composition.elements.length]);
      const result = await this.session.session.run(feeds, [this.domain.distance]);
      out.set(result[this.domain.distance].data as Float32Array, start);
    }
    return out;
  }

  /** Per task and row whether the row is inside the domain, and why not; rows without a prediction are left alone. */
  async check(batch: Batch): Promise<DomainVerdicts> {
    return this.judge.judge(batch.n, batch.formulas ?? null, await this.distances(batch), batch.ok);
  }

  release(): Promise<void> {
    return this.session.session.release();
  }
}
