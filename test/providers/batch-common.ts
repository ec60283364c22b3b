/**
 * What the two batch mocks share: a raw HTTP server on 127.0.0.1 that
 * hands each request (method, path, query, headers, raw body) to a
 * handler, answers JSON or streams text (slowly, when asked), and a
 * deterministic shuffle (results come back out of order, as both APIs say
 * they may).
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RawHit {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export type Answer =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string; chunkBytes?: number; chunkDelayMs?: number; breakAfterBytes?: number }
  | { hang: true };

export interface RawServer {
  origin: string;
  close(): Promise<void>;
}

export async function startRawServer(handler: (h: RawHit) => Answer | Promise<Answer>): Promise<RawServer> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const u = new URL(req.url ?? "/", "http://x");
      let a: Answer;
      try {
        a = await handler({ method: req.method ?? "GET", path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks) });
      } catch (e) {
        a = { status: 500, json: { error: { message: `mock bug: ${(e as Error).message}`, type: "server_error" } } };
      }
      if ("hang" in a) return;
      if (res.destroyed) return;
      if ("json" in a) {
        res.writeHead(a.status, { "content-type": "application/json", ...(a.headers ?? {}) });
        res.end(JSON.stringify(a.json));
        return;
      }
      const buf = Buffer.from(a.text, "utf8");
      res.writeHead(a.status, { "content-type": a.contentType, "content-length": String(buf.length) });
      if (a.breakAfterBytes !== undefined) {
        // The connection drops partway through the body.
        res.write(buf.subarray(0, Math.min(buf.length - 1, a.breakAfterBytes)), () => setTimeout(() => res.destroy(), 5));
        return;
      }
      // (held in consts: `a` is reassigned above, so the closure below would lose its narrowing)
      const chunkBytes = a.chunkBytes;
      const chunkDelayMs = a.chunkDelayMs;
      if (!chunkBytes || !chunkDelayMs) {
        res.end(buf);
        return;
      }
      let off = 0;
      const step = () => {
        if (res.destroyed) return;
        const next = Math.min(buf.length, off + chunkBytes);
        const last = next >= buf.length;
        if (last) res.end(buf.subarray(off, next));
        else {
          res.write(buf.subarray(off, next));
          off = next;
          setTimeout(step, chunkDelayMs);
        }
      };
      step();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A shuffle that depends only on `seed` (Fisher–Yates with a hash stream). */
export function shuffled<T>(xs: readonly T[], seed: string): T[] {
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const h = createHash("sha256").update(`${seed}:${i}`).digest();
    const j = h.readUInt32BE(0) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** What becomes of one row at the server (the n-th time this custom_id is processed, from 1). */
export type Fate = "ok" | "error500" | "expire" | "permanent" | "fatal404" | "overloaded" | "timeout";

/** A stable number in [0, 1) for a string (to pick rows for a fate). */
export function unit(s: string): number {
  return createHash("sha256").update(s).digest().readUInt32BE(0) / 2 ** 32;
}

/** Parse a multipart/form-data body into its fields (name → {filename, data}). */
export function parseMultipart(body: Buffer, contentType: string | undefined): Map<string, { filename: string | null; data: Buffer }> {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? "");
  const out = new Map<string, { filename: string | null; data: Buffer }>();
  if (!m) return out;
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  let pos = body.indexOf(boundary);
  while (pos >= 0) {
    const start = pos + boundary.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const headEnd = body.indexOf("\r\n\r\n", start);
    if (headEnd < 0) break;
    const head = body.subarray(start, headEnd).toString("utf8");
    const next = body.indexOf(boundary, headEnd + 4);
    if (next < 0) break;
    const data = body.subarray(headEnd + 4, next - 2); // drop the CRLF before the boundary
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    const filename = /filename="([^"]*)"/i.exec(head)?.[1] ?? null;
    if (name) out.set(name, { filename, data });
    pos = next;
  }
  return out;
}
