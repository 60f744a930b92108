/**
 * The loopback web mode: serves the built renderer and the API contract over HTTP (requests) and
 * WebSocket (events), bound to 127.0.0.1 only. The same Router answers Electron's IPC.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import { CrucibleError } from '../engine/errors';
import type { Router } from '../api/router';
import type { Session } from '../api/session';
import { Gatekeeper, newToken } from './auth';

export interface WebServerOptions {
  session: Session;
  router: Router;
  /** Folder with the built renderer (index.html + assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
}

export interface RunningWebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A request the server answers with `status` and this message (never a crash). */
class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) return void res.destroy();
  // A refused body is not read to its end: close the connection rather than wait for the rest.
  if (status === 413) res.setHeader('connection', 'close');
  sendJson(res, status, { ok: false, error: { code, message } });
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES) throw new RequestError(413, `The request body is too large (at most ${MAX_BODY_BYTES / 1024 / 1024} MiB).`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, `The request body is too large (at most ${MAX_BODY_BYTES / 1024 / 1024} MiB).`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text.length === 0 ? {} : JSON.parse(text);
  } catch {
    throw new RequestError(400, 'The request body is not valid JSON.');
  }
}

/** The request's URL; a target that is not a valid URL is a 400, not an exception. */
function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    throw new RequestError(400, 'The request URL is not valid.');
  }
}

function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new RequestError(400, 'The request path holds an invalid percent-escape.');
  }
}

export async function startWebServer(opts: WebServerOptions): Promise<RunningWebServer> {
  if (!existsSync(join(opts.rendererDir, 'index.html'))) {
    throw new CrucibleError('not-found', `The user interface is not built (no ${join(opts.rendererDir, 'index.html')}).`, {
      hint: 'Run `npm run build` first.',
    });
  }
  const token = opts.token ?? newToken();
  const statics = sirv(opts.rendererDir, { dev: false, etag: true, single: true });
  const gate = new Gatekeeper(token);

  // The final catch of every request: a bad request is answered, a bug is logged and answered 500, and
  // neither ever reaches the process (one request must not stop the server for every other one).
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof RequestError) return sendError(res, e.status, e.status === 413 ? 'too-large' : 'bad-input', e.message);
      console.error('crucible serve: request failed', e);
      sendError(res, 500, 'internal', 'The server failed to answer this request; see its log.');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req);
    const verdict = gate.check(req, url);
    if (!verdict.ok) return sendJson(res, verdict.status, { ok: false, error: { code: 'unauthorized', message: verdict.reason } });
    if (verdict.viaQuery) res.setHeader('set-cookie', gate.setCookieHeader());
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    // The page's own CSP is a <meta> tag (it also guards Electron's file:// load); framing can only be refused by header.
    res.setHeader('content-security-policy', "frame-ancestors 'none'");
    res.setHeader('x-frame-options', 'DENY');

    if (url.pathname === '/api/health') return sendJson(res, 200, { ok: true, version: 1 });
    if (url.pathname.startsWith('/api/call/')) {
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'bad-input', message: 'Use POST.' } });
      const name = decodeSegment(url.pathname.slice('/api/call/'.length));
      const args = await readJsonBody(req);
      return sendJson(res, 200, await opts.router.dispatch(name, args));
    }
    if (url.pathname.startsWith('/api/')) return sendJson(res, 404, { ok: false, error: { code: 'not-found', message: 'No such endpoint.' } });
    statics(req, res, () => sendJson(res, 404, { ok: false, error: { code: 'not-found', message: 'Not found.' } }));
  }

  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: number) => {
      socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\n\r\n`);
      socket.destroy();
    };
    socket.on('error', () => socket.destroy());
    try {
      const url = requestUrl(req);
      const verdict = gate.check(req, url);
      if (!verdict.ok) return refuse(verdict.status);
      if (url.pathname !== '/api/events') return refuse(404);
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('error', () => ws.terminate());
        ws.on('close', () => sockets.delete(ws));
      });
    } catch (e) {
      if (!(e instanceof RequestError)) console.error('crucible serve: upgrade failed', e);
      refuse(e instanceof RequestError ? e.status : 500);
    }
  });
  const unsubscribe = opts.session.events.subscribe((event, payload) => {
    const message = JSON.stringify({ event, payload });
    for (const ws of sockets) ws.send(message);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  gate.listenOn(port);

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
