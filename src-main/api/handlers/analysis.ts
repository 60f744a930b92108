/** Handlers for the task-relationship plots: affinity and data maps of a run, compare and grouping studies. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readAffinity } from '../../engine/analysis/affinity';
import { readCompareReport } from '../../engine/studies/compare';
import { dataMapPoints, readDataMap } from '../../engine/analysis/data-map';
import { readGrouping } from '../../engine/studies/grouping';
import { projectRunDir } from '../../engine/project-run/index';
import { RUN_FILES } from '../../engine/run-folder/index';
import type { RequestResult } from '../contract';
import type { HandlerMap } from '../router';
import type { Session } from '../session';

type AnalysisOps = 'runs:affinity' | 'runs:data-map' | 'analysis:compare' | 'analysis:grouping';

export function analysisHandlers(session: Session): Pick<HandlerMap, AnalysisOps> {
  return {
    'runs:affinity': async ({ runId }) => {
      const dir = projectRunDir(session.requireProject(), runId);
      return existsSync(join(dir, RUN_FILES.affinity)) ? readAffinity(dir) : null;
    },
    'runs:data-map': async ({ runId, task }) => dataMapPoints(await readDataMap(projectRunDir(session.requireProject(), runId)), task),
    // The router validates these results against the contract; the casts only bridge interface vs index-signature typing.
    'analysis:compare': async ({ dir }) => (await readCompareReport(await session.folders.assertAllowed(dir))) as unknown as RequestResult<'analysis:compare'>,
    'analysis:grouping': async ({ dir }) => (await readGrouping(await session.folders.assertAllowed(dir))) as unknown as RequestResult<'analysis:grouping'>,
  };
}
