/**
 * The one API contract between the UI and the engine: every request (name → args → result) and
 * every pushed event, as zod schemas. Electron IPC, the web mode and the renderer all type-check
 * against it, and every transport validates payloads against it at its boundary.
 *
 * Adding an operation = one entry here + one handler in `handlers/`.
 */
import { z } from 'zod';

const projectSummary = z.object({
  dir: z.string(),
  name: z.string(),
  createdAt: z.string(),
  tables: z.array(
    z.object({
      name: z.string(),
      rowCount: z.number(),
      sourceFile: z.string(),
      importedAt: z.string(),
      formulaColumn: z.string().nullable(),
      curves: z.array(z.object({ y: z.string(), x: z.string() })),
    }),
  ),
  taskCount: z.number(),
  runCount: z.number(),
  modelCount: z.number(),
});
export type ProjectSummary = z.infer<typeof projectSummary>;

const folderPath = z.string().min(1).max(4096);

/** Names follow `domain:verb`. */
export const requests = {
  'app:info': {
    args: z.object({}).strict(),
    result: z.object({
      name: z.literal('Crucible'),
      version: z.string(),
      mode: z.enum(['electron', 'web']),
      platform: z.string(),
      node: z.string(),
    }),
  },
  'project:current': {
    args: z.object({}).strict(),
    result: z.object({ dir: z.string().nullable(), name: z.string().nullable() }),
  },
  'project:open': { args: z.object({ dir: folderPath }).strict(), result: projectSummary },
  'project:create': { args: z.object({ dir: folderPath, name: z.string().trim().min(1).max(200).optional() }).strict(), result: projectSummary },
  'project:close': { args: z.object({}).strict(), result: z.object({ closed: z.boolean() }) },
  'project:summary': { args: z.object({}).strict(), result: projectSummary },
  'project:recent': {
    args: z.object({}).strict(),
    result: z.object({ projects: z.array(z.object({ dir: z.string(), name: z.string(), openedAt: z.string() })) }),
  },
  /** The web mode's folder picker: lists folders (and data files) inside the allowed roots only. */
  'files:browse': {
    args: z.object({ path: folderPath.optional(), files: z.boolean().optional() }).strict(),
    result: z.object({
      path: z.string(),
      parent: z.string().nullable(),
      entries: z.array(z.object({ name: z.string(), path: z.string(), kind: z.enum(['folder', 'project', 'file']) })),
      roots: z.array(z.string()),
    }),
  },
} as const;

export const events = {
  /** Sent when the open project changes (opened, created, closed). */
  'project:changed': z.object({ dir: z.string().nullable(), name: z.string().nullable() }),
} as const;

export type RequestName = keyof typeof requests;
export type EventName = keyof typeof events;
export type RequestArgs<N extends RequestName> = z.input<(typeof requests)[N]['args']>;
export type RequestResult<N extends RequestName> = z.output<(typeof requests)[N]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const requestNames = Object.keys(requests) as RequestName[];
export const eventNames = Object.keys(events) as EventName[];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** A user-facing failure as it crosses a transport (mirrors the engine's CrucibleError). */
export const apiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  location: z.object({ file: z.string().optional(), row: z.number().optional(), column: z.string().optional() }).optional(),
});
export type ApiErrorData = z.infer<typeof apiErrorSchema>;

/** What every transport returns for a request. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ApiErrorData };

/** The client-side view of the contract that the renderer codes against, whatever the transport. */
export interface ApiClient {
  call<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<RequestResult<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** The IPC channel that carries pushed events; its messages are `(eventName, payload)`. */
export const EVENT_CHANNEL = 'crucible:event';

/** What the Electron preload exposes as `window.crucible`: one function per request, plus events. */
export interface PreloadApi {
  invoke: { [N in RequestName]: (args: RequestArgs<N>) => Promise<Envelope<RequestResult<N>>> };
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
