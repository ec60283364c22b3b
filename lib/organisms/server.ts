import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { makeRegistry } from "./registry";

import { SIM_PARAPHRASER } from "./paraphraser";
import { DELIBERATOR_CONFIG, SIM_DELIBERATOR } from "./deliberator";
import { EVAL_AWARE_CONFIG, SIM_EVAL_AWARE } from "./eval-aware";
import { generateFor } from "./generate";
import { FINE_TUNES, MOTIVE_ORGANISMS } from "./motives";
import type { Generated } from "./respond";
import { OrganismError, type OrganismConfig } from "./types";

/** Options of `startOrganismServer`. */
export interface OrganismServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default "127.0.0.1". */
  host?: string;
  /** Extra organisms, or overriding definitions of built-in names. */
  organisms?: Record<string, OrganismConfig>;
  /** Delay before each completion answer, in ms (default 0). */
  latencyMs?: number;
}

/** A running organism server. */
export interface OrganismServer {
  /** Base URL for OpenAI clients, ending in /v1. */
  url: string;
  port: number;
  /** Stop listening and drop open (keep-alive) connections. */
  close(): Promise<void>;
  /** Completion requests received, and answered per model name. */
  stats(): { requests: number; byModel: Record<string, number> };
}

const MAX_BODY = 32 * 1024 * 1024;

/**
 * Serve the simulated organisms over OpenAI-compatible HTTP (node:http only):
 * `POST /v1/chat/completions`, `POST /v1/completions` (both with `n`,
 * `seed`, `stop` and `stream`), `GET /v1/models`. Unknown model: 404; bad
 * JSON, body or model parameters: 400. Keep-alive is on; nothing is logged.
 *
 * @example
 * const s = await startOrganismServer();
 * const client = new OpenAI({ baseURL: s.url, apiKey: "none" });
 * await client.chat.completions.create({ model: "sim-faker", messages });
 * await s.close();
 */
export async function startOrganismServer(opts: OrganismServerOptions = {}): Promise<OrganismServer> {
  const registry = makeRegistry(opts.organisms);
  const host = opts.host ?? "127.0.0.1";
  const latency = Math.max(0, opts.latencyMs ?? 0);
  let requests = 0;
  const byModel: Record<string, number> = Object.create(null);

  const modelsJson = JSON.stringify({
    object: "list",
    data: Object.entries(registry)
      .map(([id, c]) => ({
        id,
        object: "model",
        created: 0,
        owned_by: "af-workbook",
        description: c.description,
      }))
      .concat(
        [...Object.values(MOTIVE_ORGANISMS), ...Object.values(FINE_TUNES)]
          .filter((m) => !Object.prototype.hasOwnProperty.call(registry, m.name))
          .map((m) => ({ id: m.name, object: "model", created: 0, owned_by: "af-workbook", description: m.description })),
      )
      .concat([
        { id: SIM_EVAL_AWARE, object: "model", created: 0, owned_by: "af-workbook", description: EVAL_AWARE_CONFIG.description },
        { id: SIM_PARAPHRASER, object: "model", created: 0, owned_by: "af-workbook", description: "Offline paraphrase stand-in: rewords the passage of a paraphrase request (sim-paraphraser@bad=0.2,how=tag for malformed replies)." },
        { id: SIM_DELIBERATOR, object: "model", created: 0, owned_by: "af-workbook", description: DELIBERATOR_CONFIG.description },
      ].filter((m) => !Object.prototype.hasOwnProperty.call(registry, m.id))),
  });

  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    let path = q < 0 ? url : url.slice(0, q);
    if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
    if (path.startsWith("/v1/")) path = path.slice(3);
    if (path === "/chat/completions" || path === "/completions") {
      if (req.method !== "POST") return sendError(res, 405, `Use POST for ${path}`);
      requests++;
      return readBody(req, res, (raw) => complete(res, path === "/chat/completions", raw));
    }
    if (path === "/models") {
      if (req.method !== "GET") return sendError(res, 405, "Use GET for /models");
      return send(res, 200, modelsJson);
    }
    if (path.startsWith("/models/") && req.method === "GET") {
      const id = decodeURIComponent(path.slice("/models/".length));
      const c = Object.prototype.hasOwnProperty.call(registry, id) ? registry[id] : undefined;
      if (!c) return sendError(res, 404, `The model '${id}' does not exist. Known models: ${Object.keys(registry).join(", ")}`);
      return send(res, 200, JSON.stringify({ id, object: "model", created: 0, owned_by: "af-workbook", description: c.description }));
    }
    sendError(res, 404, `Unknown route ${req.method} ${url.slice(0, 200)}`);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;

  function complete(res: ServerResponse, chat: boolean, raw: string): void {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendError(res, 400, "The request body is not valid JSON");
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) return sendError(res, 400, "The request body must be a JSON object");
    const model = (body as { model?: unknown }).model;
    if (typeof model !== "string" || model === "") return sendError(res, 400, "Invalid request: model: expected a non-empty string");
    let g: Generated;
    try {
      g = generateFor(model, body, chat, registry);
    } catch (e) {
      if (e instanceof OrganismError) return sendError(res, e.status, e.message, e.type, e.status === 404 ? "model_not_found" : null);
      return sendError(res, 500, "Internal error in the simulated organism", "server_error");
    }
    byModel[model] = (byModel[model] ?? 0) + 1;
    const digest = createHash("sha256").update(chat ? "chat\u0000" : "completions\u0000").update(raw).digest("hex");
    const id = (chat ? "chatcmpl-" : "cmpl-") + digest.slice(0, 24);
    const created = 1_700_000_000 + (parseInt(digest.slice(24, 32), 16) % 100_000_000);
    let completionChars = 0;
    for (const t of g.texts) completionChars += t.length;
    const usage = {
      prompt_tokens: Math.ceil(g.promptChars / 4),
      completion_tokens: Math.ceil(completionChars / 4),
      total_tokens: Math.ceil(g.promptChars / 4) + Math.ceil(completionChars / 4),
    };
    const b = body as { stream?: unknown; stream_options?: { include_usage?: unknown } | null };
    const payload =
      b.stream === true
        ? sse(chat, id, created, model, g.texts, b.stream_options?.include_usage === true ? usage : null)
        : JSON.stringify(
            chat
              ? {
                  id,
                  object: "chat.completion",
                  created,
                  model,
                  choices: g.texts.map((content, index) => ({
                    index,
                    message: { role: "assistant", content },
                    finish_reason: "stop",
                    logprobs: null,
                  })),
                  usage,
                }
              : {
                  id,
                  object: "text_completion",
                  created,
                  model,
                  choices: g.texts.map((text, index) => ({ index, text, finish_reason: "stop", logprobs: null })),
                  usage,
                },
          );
    const type = b.stream === true ? "text/event-stream" : "application/json";
    if (latency > 0) setTimeout(() => send(res, 200, payload, type), latency);
    else send(res, 200, payload, type);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/v1`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    stats: () => ({ requests, byModel: { ...byModel } }),
  };
}

/** Server-sent events for a streamed answer: one chunk of text per choice, then a stop chunk each. */
function sse(
  chat: boolean,
  id: string,
  created: number,
  model: string,
  texts: string[],
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null,
): string {
  const object = chat ? "chat.completion.chunk" : "text_completion";
  let out = "";
  const emit = (choices: unknown[], extra?: object) =>
    (out += `data: ${JSON.stringify({ id, object, created, model, choices, ...extra })}\n\n`);
  texts.forEach((text, index) => {
    if (chat) {
      emit([{ index, delta: { role: "assistant", content: text }, finish_reason: null, logprobs: null }]);
      emit([{ index, delta: {}, finish_reason: "stop", logprobs: null }]);
    } else {
      emit([{ index, text, finish_reason: null, logprobs: null }]);
      emit([{ index, text: "", finish_reason: "stop", logprobs: null }]);
    }
  });
  if (usage) emit([], { usage });
  return out + "data: [DONE]\n\n";
}

function readBody(req: IncomingMessage, res: ServerResponse, done: (raw: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooBig = false;
  req.on("data", (c: Buffer) => {
    if (tooBig) return;
    size += c.length;
    if (size > MAX_BODY) {
      tooBig = true;
      chunks.length = 0;
      return;
    }
    chunks.push(c);
  });
  req.on("end", () => {
    if (tooBig) return sendError(res, 413, `The request body is larger than ${MAX_BODY} bytes`);
    done(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8"));
  });
  req.on("error", () => res.destroy());
}

function send(res: ServerResponse, status: number, payload: string, type = "application/json"): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type = "invalid_request_error",
  code: string | null = null,
): void {
  send(res, status, JSON.stringify({ error: { message, type, param: null, code } }));
}
