/** The project's model bundles: list, export a run, import a colleague's bundle, read a model card, delete. */
import type { ApiClient, ModelInfo } from '../../../../src-main/api/contract';
import { describeError } from '../errors';

/** Where an outcome is shown: beside the export form, the import form, or the models list. */
export type Action = 'export' | 'import' | 'list';

export class ModelLibrary {
  #models = $state.raw<ModelInfo[]>([]);
  #card = $state.raw<{ id: string; text: string; notices: string[] } | null>(null);
  #busy = $state(false);
  #error = $state.raw<{ where: Action; text: string } | null>(null);
  #message = $state.raw<{ where: Action; text: string } | null>(null);

  constructor(
    private readonly client: ApiClient,
    private readonly onChanged: () => Promise<void>,
  ) {}

  get models(): ModelInfo[] {
    return this.#models;
  }
  /** The model card shown, with what the export wanted the user to know. */
  get card(): { id: string; text: string; notices: string[] } | null {
    return this.#card;
  }
  get busy(): boolean {
    return this.#busy;
  }
  /** The last failure, if it happened in `where`. */
  error(where: Action): string | null {
    return this.#error?.where === where ? this.#error.text : null;
  }
  /** The last action's outcome, in one sentence, if it happened in `where`. */
  message(where: Action): string | null {
    return this.#message?.where === where ? this.#message.text : null;
  }

  async load(open: boolean): Promise<void> {
    this.#models = open ? (await this.client.call('models:list', {})).models : [];
  }

  async exportRun(runId: string, id: string, checkpoint: 'best' | 'last', replace: boolean): Promise<void> {
    await this.act('export', async () => {
      const r = await this.client.call('models:export', { runId, id, checkpoint, replace });
      this.#card = { id: r.model.id, text: r.card, notices: r.notices };
      return `Exported “${r.model.id}” (${(r.model.bytes / 1024 / 1024).toFixed(1)} MiB).`;
    });
  }

  async importBundle(file: string, id: string | undefined, replace: boolean): Promise<void> {
    await this.act('import', async () => {
      const { model } = await this.client.call('models:import', { file, id, replace });
      return `Imported “${model.id}”: ${model.tasks.map((t) => t.name).join(', ')}.`;
    });
  }

  async showCard(id: string): Promise<void> {
    await this.act('list', async () => {
      this.#card = { id, text: (await this.client.call('models:card', { id })).card, notices: [] };
      return null;
    });
  }

  closeCard(): void {
    this.#card = null;
  }

  async remove(id: string): Promise<void> {
    await this.act('list', async () => {
      await this.client.call('models:delete', { id });
      if (this.#card?.id === id) this.#card = null;
      return `Deleted “${id}”.`;
    });
  }

  /** Runs one action; its outcome (`work`'s sentence, or the error) is shown in `where`. */
  private async act(where: Action, work: () => Promise<string | null>): Promise<void> {
    this.#busy = true;
    this.#error = null;
    this.#message = null;
    try {
      const text = await work();
      // The outcome is told once the list shows it, so the message never describes a list not yet updated.
      await this.load(true);
      await this.onChanged();
      if (text) this.#message = { where, text };
    } catch (e) {
      this.#error = { where, text: describeError(e) };
    } finally {
      this.#busy = false;
    }
  }
}
