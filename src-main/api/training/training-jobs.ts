/**
 * The training run in progress (one at a time per window or server): started in a worker thread,
 * its events re-published on the session's event hub, its epochs kept so a page opened mid-run can
 * catch up, cancellable.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { ResolvedRunConfig } from '../../engine/config/index';
import { CrucibleError } from '../../engine/errors';
import { runInWorker } from '../../engine/jobs/run-in-worker';
import { RunFolder, type EpochRecord, type RunStatus, type RunTask } from '../../engine/run-folder/index';
import type { InitSource } from '../../engine/train/init-from';
import type { LoadedData, TrainingProgress } from '../../engine/train/run-training';
import type { EventHub } from '../router';

interface ActiveRun {
  runId: string;
  runDir: string;
  tasks: RunTask[];
  history: EpochRecord[];
  progress: TrainingProgress | null;
  controller: AbortController;
  finished: Promise<RunStatus>;
  error?: string;
}

function runTasks(config: ResolvedRunConfig): RunTask[] {
  return config.tasks.filter((t) => t.enabled).map((t) => ({ name: t.name, type: t.kind, column: t.column }));
}

export class TrainingJobs {
  private active: ActiveRun | null = null;

  constructor(private readonly hub: EventHub) {}

  /** The run in progress, or null. */
  get current(): Readonly<Omit<ActiveRun, 'controller'>> | null {
    return this.active;
  }

  isRunning(runId: string): boolean {
    return this.active?.runId === runId;
  }

  /** Starts training `data` with `config` into the new folder `runDir` (from `initFrom`'s weights when given). */
  start(config: ResolvedRunConfig, data: LoadedData, runDir: string, initFrom?: InitSource): { runId: string; finished: Promise<RunStatus> } {
    if (this.active) {
      throw new CrucibleError('already-exists', `Run "${this.active.runId}" is still training.`, { hint: 'Wait for it to finish, or cancel it first.' });
    }
    const runId = basename(runDir);
    const controller = new AbortController();
    const tasks = runTasks(config);
    const run: ActiveRun = { runId, runDir, tasks, history: [], progress: null, controller, finished: Promise.resolve('running') };
    this.active = run;
    this.hub.emit('training:started', { runId, tasks });

    run.finished = runInWorker(
      'train',
      { config, data, runDir, initFrom },
      (event) => {
        if (event.type === 'status') this.hub.emit('training:status', { runId, message: event.message });
        else if (event.type === 'progress') {
          const progress = event.progress;
          // A page opened mid-ensemble catches up with the member that trains, as the live page shows it.
          if (progress.member && progress.member.index !== run.progress?.member?.index) run.history = [];
          run.progress = progress;
          if (progress.record) run.history.push(progress.record);
          this.hub.emit('training:progress', { runId, progress });
        }
      },
      controller.signal,
    ).then(
      (summary): RunStatus => (summary.cancelled ? 'cancelled' : 'done'),
      async (e: unknown): Promise<RunStatus> => {
        const message = e instanceof CrucibleError ? e.describe() : e instanceof Error ? e.message : String(e);
        // The run folder says why it has no results, for the runs list after a restart too.
        if (existsSync(runDir)) await new RunFolder(runDir).appendEvent({ type: 'failed', error: message }).catch(() => undefined);
        run.error = message;
        return 'failed';
      },
    );
    void run.finished.then((status) => {
      this.active = null;
      this.hub.emit('training:finished', { runId, status, error: run.error ?? null });
    });
    return { runId, finished: run.finished };
  }

  /** Asks the run to stop after its current batch; it then evaluates its best epoch and finishes as cancelled. */
  cancel(runId: string): boolean {
    if (!this.isRunning(runId)) return false;
    this.active!.controller.abort();
    return true;
  }
}
