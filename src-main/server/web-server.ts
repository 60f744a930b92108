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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length === 0 ? {} : JSON.parse(text);
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

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
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
      let args: unknown;
      try {
        args = await readJsonBody(req);
      } catch {
        return sendJson(res, 400, { ok: false, error: { code: 'bad-input', message: 'The request body is not valid JSON.' } });
      }
      const name = decodeURIComponent(url.pathname.slice('/api/call/'.length));
      return sendJson(res, 200, await opts.router.dispatch(name, args));
    }
    if (url.pathname.startsWith('/api/')) return sendJson(res, 404, { ok: false, error: { code: 'not-found', message: 'No such endpoint.' } });
    statics(req, res, () => sendJson(res, 404, { ok: false, error: { code: 'not-found', message: 'Not found.' } }));
  }

  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const verdict = gate.check(req, url);
    if (!verdict.ok || url.pathname !== '/api/events') {
      socket.write(`HTTP/1.1 ${verdict.ok ? 404 : verdict.status} Refused\r\nConnection: close\r\n\r\n`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
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
