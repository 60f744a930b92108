/** Handlers for model bundles (export a run, import a colleague's bundle, list, delete) and batch prediction with them. */
import { join } from 'node:path';
import {
  deleteModel,
  exportBundle,
  importModel,
  listModels,
  modelFile,
  modelPath,
  readBundle,
  MEMBERS,
  type ModelEntry,
} from '../../engine/export/bundle/index';
import { previewTable } from '../../engine/data/import/index';
import { predictBatch } from '../../engine/infer/index';
import { CrucibleError } from '../../engine/errors';
import type { ModelInfo } from '../contract';
import { toCellRow } from '../data/cells';
import { projectRunDir } from '../../engine/project-run/index';
import type { HandlerMap } from '../router';
import type { Session } from '../session';

type ModelOps = 'models:list' | 'models:export' | 'models:card' | 'models:import' | 'models:delete' | 'predict:run';

export function modelInfo(entry: ModelEntry): ModelInfo {
  const m = entry.manifest;
  return {
    id: entry.id,
    bytes: entry.bytes,
    name: m?.name ?? null,
    createdAt: m?.createdAt ?? null,
    run: m?.training.run ?? null,
    epoch: m?.training.epoch ?? null,
    tasks: (m?.tasks ?? []).map((t) => ({ name: t.name, kind: t.kind, unit: t.unit ?? null })),
    test: Object.fromEntries(
      Object.entries(m?.metrics?.tasks ?? {}).map(([task, v]) => [
        task,
        Object.fromEntries(Object.entries(v.test).filter((e): e is [string, number] => typeof e[1] === 'number')),
      ]),
    ),
    featurizer: m?.input.featurizer?.id ?? null,
    problem: entry.problem ?? (m ? null : 'The bundle cannot be read.'),
  };
}

async function modelCard(file: string): Promise<string> {
  const bundle = await readBundle(file);
  return new TextDecoder().decode(bundle.members.get(MEMBERS.readme) ?? new Uint8Array());
}

export function modelHandlers(session: Session): Pick<HandlerMap, ModelOps> {
  return {
    'models:list': async () => ({ models: (await listModels(session.requireProject())).map(modelInfo) }),
    'models:export': async ({ runId, id, checkpoint, replace }) => {
      const project = session.requireProject();
      const out = modelPath(project, id);
      const notices: string[] = [];
      // Exporting may read the run's table again (for a curve task's grid), so it holds the database.
      const result = await session.exclusive(() =>
        exportBundle(projectRunDir(project, runId), out, { checkpoint, name: id, project, overwrite: replace, onNotice: (n) => notices.push(n) }),
      );
      return { model: modelInfo({ id, file: result.file, bytes: result.bytes, manifest: result.manifest }), card: await modelCard(result.file), notices };
    },
    'models:card': async ({ id }) => ({ card: await modelCard(await modelFile(session.requireProject(), id)) }),
    'models:import': async ({ file, id, replace }) => {
      const project = session.requireProject();
      return { model: modelInfo(await importModel(project, await session.folders.assertAllowed(file), { id, replace })) };
    },
    'models:delete': async ({ id }) => {
      await deleteModel(session.requireProject(), id);
      return { deleted: true };
    },
    'predict:run': async ({ model, file, table, output, replace }) => {
      const project = session.requireProject();
      const input = await session.folders.assertAllowed(file);
      // The whole output path is checked: a file of that name may be a link to somewhere outside the roots.
      const out = output ? await session.folders.assertAllowed(join(output.folder, output.name)) : undefined;
      const bundle = await modelFile(project, model);
      const summary = await session.exclusive(() =>
        predictBatch(
          { model: bundle, input, output: out, overwrite: replace === true, project: project.dir, table, replace: true },
          {
            emit: (e) => (e.type === 'status' ? session.events.emit('predict:status', { message: e.message }) : session.events.emit('predict:progress', e)),
            signal: new AbortController().signal,
          },
        ),
      );
      // The job wrote the new table through its own handle on the project: read project.json again.
      const reopened = await session.reload();
      if (!summary.table) throw new CrucibleError('internal', 'The predictions were not stored in the project.');
      const preview = await session.withStore((store) => previewTable(store, summary.table!, { rows: 500 }));
      return {
        summary: { ...summary, failures: summary.failures.map((f) => ({ ...f, column: f.column ?? null })) },
        preview: { ...preview, rows: preview.rows.map(toCellRow) },
        curves: reopened.table(summary.table)?.curves ?? [],
      };
    },
  };
}
