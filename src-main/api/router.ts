/**
 * Transport-independent dispatch of contract requests: validates arguments, runs the handler,
 * validates the result and folds errors into an envelope. Electron IPC and the web server both
 * call `dispatch`; neither knows any operation by name.
 */
import type { z } from 'zod';
import { isCrucibleError } from '../engine/errors';
import { explainError } from '../engine/util/system-errors';
import { describeIssues } from '../engine/util/zod-issues';
import {
  type ApiErrorData,
  type Envelope,
  type EventName,
  type EventPayload,
  type RequestName,
  type RequestResult,
  events,
  isRequestName,
  requests,
} from './contract';

export type Handler<N extends RequestName> = (args: z.output<(typeof requests)[N]['args']>) => Promise<RequestResult<N>> | RequestResult<N>;

/** One handler per request; a missing one is a type error. */
export type HandlerMap = { [N in RequestName]: Handler<N> };

export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

/** Fans events out to every connected transport (windows, WebSocket clients). */
export class EventHub implements EventSink {
  private readonly listeners = new Set<(event: EventName, payload: unknown) => void>();

  subscribe(listener: (event: EventName, payload: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload);
    for (const listener of this.listeners) listener(event, checked);
  }
}

function toErrorData(caught: unknown): ApiErrorData {
  const e = explainError(caught);
  if (isCrucibleError(e)) return { code: e.code, message: e.message, hint: e.hint, location: e.location };
  // Anything else is a bug: the user sees its message, the log keeps the stack.
  console.error(e);
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

export class Router {
  constructor(
    private readonly handlers: HandlerMap,
    /** Runs before every handler: brings the open project up to date with changes other processes made. */
    private readonly beforeEach: () => Promise<void> = async () => {},
  ) {}

  /** Runs one request that arrived from a transport. Never throws. */
  async dispatch(name: unknown, rawArgs: unknown): Promise<Envelope<unknown>> {
    if (!isRequestName(name)) {
      return { ok: false, error: { code: 'not-found', message: `Unknown operation "${String(name)}".` } };
    }
    const parsed = requests[name].args.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: 'bad-input', message: `Invalid arguments for ${name}: ${describeIssues(parsed.error)}` } };
    }
    try {
      const handler = this.handlers[name] as (args: unknown) => unknown;
      await this.beforeEach();
      return { ok: true, result: requests[name].result.parse(await handler(parsed.data)) };
    } catch (e) {
      return { ok: false, error: toErrorData(e) };
    }
  }
}
