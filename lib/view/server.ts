/**
 * The viewer's HTTP server, on 127.0.0.1 only: the page, its two assets, and
 * a small JSON API over the ViewModel (table pages filtered and sorted here,
 * transcripts, prompts and diffs, and labels, the one write). Requests whose
 * Host is not this server's, and label writes from another origin, are
 * refused, so a web page elsewhere cannot read or write through it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AfwError } from "../util/errors";
import { pageAssets, pageHtml } from "./bundle";
import type { ViewModel } from "./model";
import type { ViewQuery } from "./types";

export interface ViewServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff", "content-security-policy": CSP });
  res.end(body);
}
const json = (res: ServerResponse, status: number, v: unknown) => send(res, status, "application/json; charset=utf-8", JSON.stringify(v));

function parseQuery(raw: string | null): ViewQuery {
  if (!raw) return {};
  const v = JSON.parse(raw) as unknown;
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("q must be a JSON object");
  const q = v as ViewQuery;
  if (q.f !== undefined && (typeof q.f !== "object" || q.f === null || Object.values(q.f).some((x) => typeof x !== "string"))) throw new Error("q.f must map column ids to strings");
  if (q.s !== undefined && typeof q.s !== "string") throw new Error("q.s must be a string");
  if (q.o !== undefined && q.o !== null && (!Array.isArray(q.o) || typeof q.o[0] !== "string" || (q.o[1] !== 1 && q.o[1] !== -1))) throw new Error("q.o must be [column, 1 | -1]");
  return q;
}

function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * Serve the viewer. `port` 0 picks a free one. A port in use is an AfwError
 * of one line.
 */
export async function startViewServer(model: ViewModel, opts: { port: number; host?: string; root: string }): Promise<ViewServer> {
  const host = opts.host ?? "127.0.0.1";
  const assets = pageAssets(opts.root);
  const page = pageHtml(model.meta().title);
  let port = opts.port;
  let labelling: Promise<unknown> = Promise.resolve();

  const server = createServer((req, res) => {
    void (async () => {
      const hostHeader = req.headers.host ?? "";
      if (hostHeader !== `${host}:${port}` && hostHeader !== `localhost:${port}`) return send(res, 421, "text/plain", "wrong host");
      const url = new URL(req.url ?? "/", `http://${host}:${port}`);
      const p = url.pathname;
      try {
        if (req.method === "GET" && (p === "/" || p === "/index.html")) return send(res, 200, "text/html; charset=utf-8", page);
        if (req.method === "GET" && p === "/app.js") return send(res, 200, "text/javascript; charset=utf-8", assets.js);
        if (req.method === "GET" && p === "/app.css") return send(res, 200, "text/css; charset=utf-8", assets.css);
        if (req.method === "GET" && p === "/api/meta") return json(res, 200, model.meta());
        if (req.method === "GET" && p === "/api/rows") {
          const q = parseQuery(url.searchParams.get("q"));
          const offset = Math.max(0, Number(url.searchParams.get("offset") ?? 0) || 0);
          const limit = Math.min(1000, Math.max(0, Number(url.searchParams.get("limit") ?? 100) || 0));
          return json(res, 200, model.engine.page(q, offset, limit));
        }
        if (req.method === "GET" && p === "/api/sample") {
          const d = model.detail(url.searchParams.get("id") ?? "");
          return d ? json(res, 200, d) : json(res, 404, { error: `no sample ${url.searchParams.get("id")}` });
        }
        if (req.method === "GET" && p === "/api/nav") return json(res, 200, model.engine.nav(url.searchParams.get("id") ?? "", parseQuery(url.searchParams.get("q"))));
        if (req.method === "GET" && p === "/api/prompt") return json(res, 200, { text: model.prompt(url.searchParams.get("hash") ?? "") });
        if (req.method === "GET" && p === "/api/diff") return json(res, 200, model.diff(url.searchParams.get("from") ?? "", url.searchParams.get("to") ?? ""));
        if (req.method === "POST" && p === "/api/label") {
          const origin = req.headers.origin;
          if (origin !== undefined && origin !== `http://${host}:${port}` && origin !== `http://localhost:${port}`) return json(res, 403, { error: "labels are accepted from the viewer's own page only" });
          if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) return json(res, 415, { error: "send JSON" });
          const body = JSON.parse(await readBody(req)) as { id?: unknown; label?: unknown; note?: unknown };
          if (typeof body.id !== "string") return json(res, 400, { error: "id must be a string" });
          if (body.label !== null && body.label !== "af" && body.label !== "not_af" && body.label !== "unsure") return json(res, 400, { error: "label must be af, not_af, unsure or null" });
          const note = typeof body.note === "string" ? body.note.slice(0, 10_000) : "";
          if (model.engine.rowIndex(body.id) === undefined) return json(res, 404, { error: `no sample ${body.id}` });
          // one label write at a time
          const job = labelling.then(() => model.label(body.id as string, body.label as "af" | "not_af" | "unsure" | null, note));
          labelling = job.catch(() => undefined);
          return json(res, 200, await job);
        }
        return json(res, 404, { error: `no ${req.method} ${p}` });
      } catch (e) {
        return json(res, 400, { error: String((e as Error).message ?? e).split("\n")[0] });
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EADDRINUSE") reject(new AfwError(`afw view: port ${opts.port} on ${host} is in use (choose another with --port, or --port 0 for a free one)`));
      else if (e.code === "EACCES") reject(new AfwError(`afw view: not allowed to listen on port ${opts.port} (choose one above 1023 with --port)`));
      else reject(new AfwError(`afw view: cannot listen on ${host}:${opts.port} (${e.message})`));
    });
    server.listen(opts.port, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
