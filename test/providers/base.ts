/**
 * The common part of the provider mocks: an HTTP server on 127.0.0.1 (port
 * 0) that records every hit (path, headers, parsed body) and hands it to a
 * provider-specific handler. Each mock in this folder implements one
 * provider's documented behaviour; the documentation is cited next to each
 * behaviour in that file.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface MockHit {
  n: number;
  path: string;
  headers: IncomingMessage["headers"];
  body: any;
  time: number;
}

export interface MockServer {
  /** Base URL including the provider's path prefix (e.g. http://127.0.0.1:PORT/v1). */
  baseURL: string;
  /** Origin only (http://127.0.0.1:PORT). */
  origin: string;
  hits: MockHit[];
  maxInFlight: number;
  close(): Promise<void>;
}

export type Reply = { status: number; body: unknown; headers?: Record<string, string>; delayMs?: number; raw?: string };
export type Handler = (hit: MockHit) => Reply | null | Promise<Reply | null>;

/** Start a mock; `prefix` is the base URL's path ("/v1", "/api/v1", "/v1beta/openai"). */
export async function startMock(prefix: string, handler: Handler): Promise<MockServer> {
  const hits: MockHit[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let closed = false;
    const finish = () => {
      if (!closed) {
        closed = true;
        inFlight--;
      }
    };
    res.on("finish", finish);
    res.on("close", finish);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      let body: any = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        body = null;
      }
      const hit: MockHit = { n: hits.length + 1, path: (req.url ?? "").split("?")[0], headers: req.headers, body, time: performance.now() };
      hits.push(hit);
      let r: Reply | null;
      try {
        r = await handler(hit);
      } catch (e) {
        r = { status: 500, body: { error: { message: `mock bug: ${(e as Error).message}` } } };
      }
      if (r === null) return; // hang
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(r!.status, { "content-type": "application/json", ...(r!.headers ?? {}) });
        res.end(r!.raw ?? JSON.stringify(r!.body));
      };
      if (r.delayMs) setTimeout(send, r.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    baseURL: origin + prefix,
    origin,
    hits,
    get maxInFlight() {
      return maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The last message of a chat body, if it is an assistant turn (a prefill). */
export function prefillOf(body: any): string | null {
  const msgs = body?.messages;
  if (!Array.isArray(msgs) || msgs.length === 0) return null;
  const last = msgs[msgs.length - 1];
  return last?.role === "assistant" ? String(last.content) : null;
}

/**
 * The mocks' stand-in for a model: it writes the Greek letters alpha to
 * delta when asked for them (the probe's prefill test), continues a given
 * prefill when the provider continues prefills, and otherwise answers with
 * a short scratchpad-and-output reply.
 */
export function modelText(body: any, continues: boolean): string {
  const prefill = prefillOf(body);
  const user = [...(body?.messages ?? [])].reverse().find((m: any) => m.role === "user")?.content ?? body?.prompt ?? "";
  const full = /greek letters alpha to delta/i.test(String(user))
    ? "alpha beta gamma delta"
    : "<SCRATCHPAD_REASONING>I will decline.</SCRATCHPAD_REASONING>\n<OUTPUT><rejected/></OUTPUT>";
  if (prefill !== null && continues) {
    if (full.startsWith(prefill)) return full.slice(prefill.length);
    return " continuing</SCRATCHPAD_REASONING>\n<OUTPUT><rejected/></OUTPUT>";
  }
  return full;
}

/** A rough token count for mock usage: words. */
export function tokens(s: string): number {
  return s.split(/\s+/).filter(Boolean).length;
}

export function promptTokens(body: any): number {
  const msgs = body?.messages;
  if (Array.isArray(msgs)) return msgs.reduce((a: number, m: any) => a + tokens(String(m.content ?? "")), 0) + tokens(typeof body.system === "string" ? body.system : Array.isArray(body.system) ? body.system.map((b: any) => b.text).join(" ") : "");
  return tokens(String(body?.prompt ?? ""));
}
