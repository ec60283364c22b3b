/**
 * A tiny OpenAI-shaped server on 127.0.0.1 for the lib/models tests. Each
 * test scripts its behaviour per hit; the default is a well-formed answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Hit {
  /** 1-based hit number. */
  n: number;
  path: string;
  body: any;
  req: IncomingMessage;
  res: ServerResponse;
}

export interface FakeServer {
  baseURL: string;
  hits: Hit[];
  inFlight: number;
  maxInFlight: number;
  /** Times (ms, performance.now) at which hits arrived. */
  times: number[];
  close(): Promise<void>;
}

/** Reply with a well-formed completion; texts say which hit and choice they came from. */
export function replyOk(h: Hit, extra: { delayMs?: number } = {}): void {
  const n = h.body?.n ?? 1;
  const chat = h.path.endsWith("/chat/completions");
  const choices = Array.from({ length: n }, (_, i) =>
    chat
      ? { index: i, message: { role: "assistant", content: `answer ${i}` }, finish_reason: i === 0 ? "stop" : "length" }
      : { index: i, text: `text ${i}`, finish_reason: "stop", logprobs: null },
  );
  const payload = JSON.stringify({
    id: "x",
    object: chat ? "chat.completion" : "text_completion",
    created: 0,
    model: h.body?.model,
    choices,
    usage: { prompt_tokens: 10, completion_tokens: 5 * n, total_tokens: 10 + 5 * n },
  });
  const send = () => {
    h.res.writeHead(200, { "content-type": "application/json" });
    h.res.end(payload);
  };
  if (extra.delayMs) setTimeout(send, extra.delayMs);
  else send();
}

/** Reply with a status and a JSON error body. */
export function replyError(h: Hit, status: number, message: string, headers: Record<string, string> = {}): void {
  h.res.writeHead(status, { "content-type": "application/json", ...headers });
  h.res.end(JSON.stringify({ error: { message, type: "test" } }));
}

/** Start a server whose handler decides each hit (default: replyOk). */
export async function startServer(handler: (h: Hit) => void = replyOk): Promise<FakeServer> {
  const state = { hits: [] as Hit[], inFlight: 0, maxInFlight: 0, times: [] as number[] };
  const server: Server = createServer((req, res) => {
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        state.inFlight--;
      }
    };
    res.on("finish", finish);
    res.on("close", finish);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: any = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        body = null;
      }
      const path = (req.url ?? "").split("?")[0];
      const hit: Hit = { n: state.hits.length + 1, path, body, req, res };
      state.hits.push(hit);
      state.times.push(performance.now());
      if (path !== "/v1/chat/completions" && path !== "/v1/completions") return replyError(hit, 404, "no such route");
      handler(hit);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const fake: FakeServer = {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get hits() {
      return state.hits;
    },
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    get times() {
      return state.times;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
