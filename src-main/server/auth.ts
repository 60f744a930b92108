/**
 * Access control of the loopback web mode, as Jupyter does it: a random token printed in the URL,
 * kept afterwards in an HttpOnly cookie; requests from other origins or with a foreign Host header
 * (DNS rebinding) are refused even when they carry the token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(24).toString('hex');
}

/** Cookies ignore ports, so the name carries the port: two servers side by side keep their own. */
export function cookieName(port: number): string {
  return `crucible_token_${port}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Cookie values as sent, not percent-decoded: our token is hex and needs no decoding, and any other site on
 * localhost may plant a cookie here, so a malformed one (`x=100%`) must be ignored, never decoded and thrown.
 */
function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

export type AuthVerdict = { ok: true; viaQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

export class Gatekeeper {
  private port = 0;

  constructor(readonly token: string) {}

  /** The port the server listens on, known once it listens: Host, Origin and the cookie name depend on it. */
  listenOn(port: number): void {
    this.port = port;
  }

  private allowedHosts(): string[] {
    return [`127.0.0.1:${this.port}`, `localhost:${this.port}`];
  }

  /** Checks Host, Origin and the token (query, Authorization header or cookie), in that order. */
  check(req: IncomingMessage, url: URL): AuthVerdict {
    const hosts = this.allowedHosts();
    if (!hosts.includes(req.headers.host ?? '')) return { ok: false, status: 403, reason: 'Host not allowed' };
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.some((h) => origin === `http://${h}`)) {
      return { ok: false, status: 403, reason: 'Origin not allowed' };
    }
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null && safeEqual(fromQuery, this.token)) return { ok: true, viaQuery: true };
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined && safeEqual(bearer, this.token)) return { ok: true, viaQuery: false };
    const cookie = parseCookies(req.headers.cookie).get(cookieName(this.port));
    if (cookie !== undefined && safeEqual(cookie, this.token)) return { ok: true, viaQuery: false };
    return { ok: false, status: 401, reason: 'Missing or wrong token: open the URL that `crucible serve` printed.' };
  }

  setCookieHeader(): string {
    return `${cookieName(this.port)}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
}
