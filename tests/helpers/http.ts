/** Raw HTTP and WebSocket requests to a loopback server, so tests control Host, Origin and cookies exactly (fetch would not let them). */
import { request } from 'node:http';
import WebSocket from 'ws';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function rawRequest(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a WebSocket to `path`; resolves 'open' or the refusal's status line ("Unexpected server response: 401"). */
export function tryWebSocket(port: number, path: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers: { host: `127.0.0.1:${port}`, ...headers } });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('error', (e) => resolve(e.message));
  });
}
