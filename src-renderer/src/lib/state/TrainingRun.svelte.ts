/**
 * Training as the Train page sees it: the settings, the run in progress (its epochs appended to
 * `$state.raw` arrays as `training:progress` events arrive, which the charts read), and the project's runs.
 */
import { createContext } from 'svelte';
import {
  TrainSettingsSchema,
  type ApiClient,
  type EpochRecord,
  type FineTune,
  type RequestResult,
  type RunStatus,
  type RunSummary,
  type TrainingProgress,
  type TrainSettings,
} from '../../../../src-main/api/contract';
import { describeError } from '../errors';
import { TRAIN_FIELDS, emptyProblem, fieldProblems } from '../fields';

/** The settings a number field edits. */
export type NumberSetting = { [K in keyof TrainSettings]-?: TrainSettings[K] extends number | null ? K : never }[keyof TrainSettings];
export type RunTask = RunSummary['tasks'][number];
export type Phase = 'idle' | 'starting' | 'running' | 'cancelling' | Exclude<RunStatus, 'running'>;
type RunDetails = RequestResult<'runs:get'>;

export class TrainingRun {
  #settings = $state.raw<TrainSettings | null>(null);
  /** Number fields left empty: each is a problem until filled, while the settings keep the last number (never NaN). */
  #empty = $state.raw<ReadonlySet<keyof TrainSettings>>(new Set());
  #runId = $state<string | null>(null);
  #tasks = $state.raw<RunTask[]>([]);
  #history = $state.raw<EpochRecord[]>([]);
  #progress = $state.raw<TrainingProgress | null>(null);
  #phase = $state<Phase>('idle');
  #status = $state<string | null>(null);
  #error = $state<string | null>(null);
  #runs = $state.raw<RunSummary[]>([]);
  #compare = $state.raw<RunDetails[]>([]);
  /** Counts loads: the answers of a project opened before another must not land in the newer one. */
  #load = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly onRunsChanged: () => Promise<void>,
  ) {}

  get settings(): TrainSettings | null {
    return this.#settings;
  }
  get empty(): ReadonlySet<keyof TrainSettings> {
    return this.#empty;
  }
  get runId(): string | null {
    return this.#runId;
  }
  get tasks(): RunTask[] {
    return this.#tasks;
  }
  /** Epoch logs of the run shown (live or the last finished), epoch 1 first. */
  get history(): EpochRecord[] {
    return this.#history;
  }
  get progress(): TrainingProgress | null {
    return this.#progress;
  }
  get phase(): Phase {
    return this.#phase;
  }
  /** The worker's last status line (backend chosen, warnings). */
  get status(): string | null {
    return this.#status;
  }
  get error(): string | null {
    return this.#error;
  }
  get runs(): RunSummary[] {
    return this.#runs;
  }
  /** The runs picked for comparison (at most two), with their epochs and metrics. */
  get compared(): RunDetails[] {
    return this.#compare;
  }

  readonly active = $derived(this.#phase === 'starting' || this.#phase === 'running' || this.#phase === 'cancelling');
  /** Field → message for the settings as typed, judged by the contract's own schema and worded with the form's labels. */
  readonly problems = $derived<Record<string, string>>({
    ...(this.#settings ? fieldProblems(TrainSettingsSchema, this.#settings, TRAIN_FIELDS) : {}),
    ...Object.fromEntries([...this.#empty].map((key) => [key, emptyProblem(TRAIN_FIELDS[key])])),
  });

  /** Listens to the engine's training events; returns the unsubscribe. */
  follow(): () => void {
    const stops = [
      this.client.on('training:started', ({ runId, tasks }) => {
        this.#runId = runId;
        this.#tasks = tasks;
        this.#history = [];
        this.#progress = null;
        this.#phase = 'running';
        this.#status = null;
        void this.refreshRuns();
      }),
      this.client.on('training:status', ({ runId, message }) => {
        if (runId === this.#runId) this.#status = message;
      }),
      this.client.on('training:progress', ({ runId, progress }) => {
        if (runId !== this.#runId) return;
        // An ensemble's next member starts again at epoch 1: the charts follow the member that trains.
        if (progress.member && progress.member.index !== this.#progress?.member?.index) this.#history = [];
        this.#progress = progress;
        if (!progress.record) return;
        this.#history = [...this.#history, progress.record];
        // The run's folder exists once an epoch is done: list it as running.
        if (!this.#runs.some((r) => r.id === runId)) void this.refreshRuns();
      }),
      this.client.on('training:finished', ({ runId, status, error }) => {
        if (runId !== this.#runId) return;
        this.#phase = status === 'running' ? 'running' : status;
        this.#error = error;
        void this.refreshRuns().then(() => this.onRunsChanged());
      }),
    ];
    return () => stops.forEach((stop) => stop());
  }

  /** Settings, the run in progress and the runs list of the open project, starting from nothing of the one before. */
  async load(open: boolean): Promise<void> {
    this.#settings = null;
    this.#empty = new Set();
    this.#runs = [];
    this.#compare = [];
    this.#runId = null;
    this.#tasks = [];
    this.#history = [];
    this.#progress = null;
    this.#phase = 'idle';
    this.#status = null;
    this.#error = null;
    const load = ++this.#load;
    if (!open) return;
    try {
      const [settings, active] = await Promise.all([this.client.call('training:settings', {}), this.client.call('training:active', {})]);
      if (load !== this.#load) return;
      this.#settings = settings;
      if (active.run) {
        this.#runId = active.run.runId;
        this.#tasks = active.run.tasks;
        this.#history = active.run.history;
        this.#progress = active.run.progress;
        this.#phase = 'running';
      }
      await this.refreshRuns();
      if (load === this.#load && !active.run && this.#runs[0]) await this.show(this.#runs[0].id);
    } catch (e) {
      if (load === this.#load) this.#error = describeError(e);
    }
  }

  async refreshRuns(): Promise<void> {
    this.#runs = (await this.client.call('runs:list', {})).runs;
  }

  update(patch: Partial<TrainSettings>): void {
    if (!this.#settings) return;
    this.#settings = { ...this.#settings, ...patch };
    if ([...this.#empty].some((key) => key in patch)) this.#empty = new Set([...this.#empty].filter((key) => !(key in patch)));
  }

  /** What the number field of `key` shows: null while it is left empty. */
  number(key: NumberSetting): number | null {
    return this.#empty.has(key) ? null : (this.#settings?.[key] ?? null);
  }

  /** A number field's input; null (emptied) is a problem asking for a number until it is filled again. */
  setNumber(key: NumberSetting, value: number | null): void {
    if (value === null) this.#empty = new Set([...this.#empty, key]);
    else this.update({ [key]: value });
  }

  /** Starts a run of the project's enabled tasks, or with `fineTune` a run from a trained model. */
  async start(fineTune?: FineTune): Promise<void> {
    if (!this.#settings || this.#empty.size > 0 || this.active) return;
    this.#phase = 'starting';
    this.#error = null;
    this.#status = 'Loading and featurizing the data…';
    try {
      const { runId } = await this.client.call('training:start', { settings: this.#settings, fineTune });
      // The started event may have arrived first; either way this run is now the one shown.
      if (this.#runId !== runId) {
        this.#runId = runId;
        this.#history = [];
        this.#progress = null;
      }
      if (this.#phase === 'starting') this.#phase = 'running';
    } catch (e) {
      this.#phase = 'idle';
      this.#status = null;
      this.#error = describeError(e);
    }
  }

  async cancel(): Promise<void> {
    if (!this.#runId || this.#phase !== 'running') return;
    this.#phase = 'cancelling';
    await this.client.call('training:cancel', { runId: this.#runId });
  }

  /** Shows a finished run's epochs in the charts. */
  async show(runId: string): Promise<void> {
    if (this.active) return;
    try {
      const details = await this.client.call('runs:get', { runId });
      this.#runId = runId;
      this.#tasks = details.summary.tasks;
      this.#history = details.history;
      this.#progress = null;
      this.#phase = details.summary.status === 'running' ? 'running' : details.summary.status;
      this.#error = details.summary.error;
      this.#status = null;
    } catch (e) {
      this.#error = describeError(e);
    }
  }

  /** Adds or removes a run from the comparison (keeps the two most recently picked). */
  async toggleCompare(runId: string): Promise<void> {
    if (this.#compare.some((c) => c.summary.id === runId)) {
      this.#compare = this.#compare.filter((c) => c.summary.id !== runId);
      return;
    }
    try {
      const details = await this.client.call('runs:get', { runId });
      this.#compare = [...this.#compare, details].slice(-2);
    } catch (e) {
      this.#error = describeError(e);
    }
  }
}

export const [getTrainingRun, setTrainingRun] = createContext<TrainingRun>();
