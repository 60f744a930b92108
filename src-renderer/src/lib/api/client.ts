/**
 * The renderer's API client. Picks its transport once at start: Electron IPC through the preload
 * when `window.crucible` exists, HTTP + WebSocket to the loopback server otherwise. Results and
 * events are validated against the contract on arrival, as every boundary does.
 */
import {
  type ApiClient,
  type Envelope,
  type EventName,
  type EventPayload,
  type PreloadApi,
  type RequestArgs,
  type RequestName,
  type RequestResult,
  events,
  isEventName,
  requests,
} from '../../../../src-main/api/contract';
import { ApiError } from './api-error';

declare global {
  interface Window {
    crucible?: PreloadApi;
  }
}

type Send = (name: RequestName, args: unknown) => Promise<Envelope<unknown>>;
type Subscribe = (event: EventName, listener: (payload: unknown) => void) => () => void;

function makeClient(send: Send, subscribe: Subscribe): ApiClient {
  return {
    async call<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<RequestResult<N>> {
      const envelope = await send(name, args);
      if (!envelope.ok) throw new ApiError(envelope.error);
      return requests[name].result.parse(envelope.result) as RequestResult<N>;
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      return subscribe(event, (payload) => listener(events[event].parse(payload) as EventPayload<E>));
    },
  };
}

function ipcClient(bridge: PreloadApi): ApiClient {
  return makeClient(
    (name, args) => (bridge.invoke[name] as (a: unknown) => Promise<Envelope<unknown>>)(args),
    (event, listener) => bridge.on(event, listener as never),
  );
}

function webClient(): ApiClient {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let socket: WebSocket | undefined;
  let retryMs = 500;

  const connect = () => {
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`);
    socket.onmessage = (message) => {
      const data = JSON.parse(String(message.data)) as { event: unknown; payload: unknown };
      if (!isEventName(data.event)) return;
      for (const l of listeners.get(data.event) ?? []) l(data.payload);
    };
    socket.onopen = () => (retryMs = 500);
    // The server may restart (or the laptop sleep): reconnect with backoff instead of going deaf.
    socket.onclose = () => setTimeout(connect, (retryMs = Math.min(retryMs * 2, 10_000)));
  };

  return makeClient(
    async (name, args) => {
      const response = await fetch(`/api/call/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(args ?? {}),
      });
      if (response.status === 401 || response.status === 403) {
        return { ok: false, error: { code: 'unauthorized', message: 'This page lost its access token: open the URL that `crucible serve` printed.' } };
      }
      return (await response.json()) as Envelope<unknown>;
    },
    (event, listener) => {
      if (!socket) connect();
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  );
}

export function createClient(): ApiClient {
  return window.crucible ? ipcClient(window.crucible) : webClient();
}
