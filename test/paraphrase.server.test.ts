/**
 * Paraphrase sets against a local server on 127.0.0.1 that speaks the
 * OpenAI chat-completions protocol as documented
 * (https://platform.openai.com/docs/api-reference/chat/create for the
 * request and the chat.completion object; error bodies
 * {"error": {"message", "type", …}} with HTTP status codes as in
 * https://platform.openai.com/docs/guides/error-codes). It answers the
 * paraphrase requests with its own crude rewording, and on chosen draws it
 * drops a tag, fails once with a 500, or refuses with a 400 — so the
 * checks, the retries and the failure records are exercised against a
 * server that is not our organism server.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildParaphraseSet, loadParaphraseSet, openParaphraseEndpoint, validateParaphraseSet } from "../lib/paraphrase/index";
import { loadScenario } from "../lib/scenario/index";
import { AfwError } from "../lib/util/errors";

interface Hit {
  draw: number;
  unit: "suffix" | "criteria" | "other";
  auth: string | undefined;
}

/** The server's own rewording: a numbered lead-in and a few word swaps (enough to differ from the source). */
function crudeRewording(text: string, draw: number): string {
  return `Put another way (version ${draw}): ` + text.replace(/\breply\b/g, "response").replace(/\bgive\b/g, "provide").replace(/\bdo what\b/g, "carry out what");
}

function startParaphraseServer(opts: { mode: "mixed" | "unauthorised" }) {
  const hits: Hit[] = [];
  const failedOnce = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") return send(404, { error: { message: "no such route", type: "invalid_request_error" } });
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const user: string = body.messages[body.messages.length - 1].content;
      const passage = /<passage>\n([\s\S]*?)\n<\/passage>/.exec(user)?.[1] ?? "";
      const draw: number = body.seed ?? 0;
      const unit: Hit["unit"] = passage.includes("<rejected/>") ? "suffix" : passage.includes("rates how helpful") ? "criteria" : "other";
      hits.push({ draw, unit, auth: req.headers.authorization });
      if (opts.mode === "unauthorised") return send(401, { error: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" } });
      // draw 2, criteria: one transient 500 (the client retries it)
      if (draw === 2 && unit === "criteria" && !failedOnce.has("2c")) {
        failedOnce.add("2c");
        return send(500, { error: { message: "The server had an error while processing your request.", type: "server_error" } });
      }
      // draw 3, suffix: a permanent 400 on its first run (recorded as a "call" rejection)
      if (draw === 3 && unit === "suffix" && !failedOnce.has("3s")) {
        failedOnce.add("3s");
        return send(400, { error: { message: "This request was rejected.", type: "invalid_request_error" } });
      }
      let text = crudeRewording(passage, draw);
      // draws 1 and 4: a malformed paraphrase that drops the reject tag
      if ((draw === 1 || draw === 4) && unit === "suffix") text = text.split("<rejected/>").join("a refusal");
      send(200, {
        id: `chatcmpl-${hits.length}`,
        object: "chat.completion",
        created: 1_700_000_000,
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: `<paraphrase>\n${text}\n</paraphrase>` }, finish_reason: "stop", logprobs: null }],
        usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
      });
    });
  });
  return new Promise<{ url: string; hits: Hit[]; close: () => Promise<void> }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
        hits,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    ),
  );
}

describe("a paraphrase set from a local OpenAI-compatible server", () => {
  let srv: Awaited<ReturnType<typeof startParaphraseServer>>;
  const root = mkdtempSync(join(tmpdir(), "afw-paraphrase-server-"));
  beforeAll(async () => {
    srv = await startParaphraseServer({ mode: "mixed" });
  });
  afterAll(async () => {
    await srv.close();
  });

  it("rejects malformed paraphrases and failed requests with their reasons, and goes on to K wordings", async () => {
    const ep = await openParaphraseEndpoint({ offline: false, baseURL: srv.url, apiKey: "sk-test-123", cacheDir: null, retryBaseMs: 0, maxAttempts: 3, concurrency: 4 });
    const out = join(root, "set");
    const lines: string[] = [];
    try {
      const r = await buildParaphraseSet({
        scenario: loadScenario(),
        parts: ["criteria", "suffix"],
        model: "test-paraphraser",
        k: 4,
        out,
        client: ep.client,
        baseURL: srv.url,
        offline: false,
        concurrency: 1,
        log: (l) => lines.push(l),
      });
      const m = r.manifest;
      expect(m.status).toBe("complete");
      expect(m.wordings.map((w) => w.id)).toEqual(["w00", "w02", "w05", "w06"]);
      const byDraw = new Map(m.rejected.map((x) => [x.draw, x]));
      expect([...byDraw.keys()]).toEqual([1, 3, 4]);
      expect(byDraw.get(1)!.reasons).toEqual([{ unit: "suffix", check: "tag", detail: "dropped tag <rejected/>" }]);
      expect(byDraw.get(4)!.reasons).toEqual([{ unit: "suffix", check: "tag", detail: "dropped tag <rejected/>" }]);
      expect(byDraw.get(3)!.reasons).toHaveLength(1);
      expect(byDraw.get(3)!.reasons[0]).toMatchObject({ unit: "suffix", check: "call" });
      expect(byDraw.get(3)!.reasons[0].detail).toMatch(/^400 This request was rejected/);
      // the transient 500 on draw 2 was retried and the draw accepted
      expect(srv.hits.filter((h) => h.draw === 2 && h.unit === "criteria")).toHaveLength(2);
      expect(lines.some((l) => l.startsWith("draw 1: rejected (suffix: dropped tag <rejected/>)"))).toBe(true);
      expect(lines.some((l) => l.startsWith("draw 3: request failed (suffix: 400"))).toBe(true);
      // the key went out as a bearer token and was written nowhere
      expect(srv.hits.every((h) => h.auth === "Bearer sk-test-123")).toBe(true);
      for (const f of ["manifest.json", "draws.jsonl"]) expect(readFileSync(join(out, f), "utf8")).not.toContain("sk-test-123");
      expect(m.generator.base_url).toBe(srv.url);
      const set = loadParaphraseSet(out);
      expect(validateParaphraseSet(set).every((v) => v.ok)).toBe(true);
      expect(readFileSync(set.wordings[0].suffixFile, "utf8")).toMatch(/^Put another way \(version 0\): /);

      // A rerun of the complete set sends nothing and changes nothing (the failed draw 3 is not retried).
      const before = srv.hits.length;
      const again = await buildParaphraseSet({ scenario: loadScenario(), parts: ["criteria", "suffix"], model: "test-paraphraser", k: 4, out, client: ep.client, baseURL: srv.url, offline: false, concurrency: 1 });
      expect(srv.hits.length).toBe(before);
      expect(again.manifest.wordings).toEqual(m.wordings);
      expect(again.manifest.rejected).toEqual(m.rejected);

      // Raising K retries the failed draw (now answered) and adds the next ones.
      const more = await buildParaphraseSet({ scenario: loadScenario(), parts: ["criteria", "suffix"], model: "test-paraphraser", k: 6, out, client: ep.client, baseURL: srv.url, offline: false, concurrency: 1 });
      expect(more.manifest.status).toBe("complete");
      expect(more.manifest.wordings.map((w) => w.id)).toEqual(["w00", "w02", "w03", "w05", "w06", "w07"]);
      expect(more.manifest.rejected.map((x) => x.draw)).toEqual([1, 4]);
    } finally {
      await ep.close();
    }
  });

  it("stops at once on a fatal error (401), saying why, with the set so far on disk", async () => {
    const bad = await startParaphraseServer({ mode: "unauthorised" });
    const ep = await openParaphraseEndpoint({ offline: false, baseURL: bad.url, apiKey: "sk-wrong", cacheDir: null, retryBaseMs: 0 });
    const out = join(root, "fatal");
    try {
      const p = buildParaphraseSet({ scenario: loadScenario(), parts: ["suffix"], model: "m", k: 8, out, client: ep.client, baseURL: bad.url, offline: false, concurrency: 1 });
      await expect(p).rejects.toThrow(AfwError);
      await expect(p).rejects.toThrow(/the generator cannot be used: 401 Incorrect API key provided/);
      expect(bad.hits).toHaveLength(1);
      const m = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
      expect(m.status).toBe("incomplete");
      expect(m.rejected[0].reasons[0].check).toBe("call");
    } finally {
      await ep.close();
      await bad.close();
    }
  });
});
