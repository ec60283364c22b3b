/**
 * The multi-turn scratchpad protocol (lib/pipeline/sample.ts,
 * lib/scenario/protocol.ts) against local servers that follow the OpenAI
 * chat-completions protocol (https://platform.openai.com/docs/api-reference/chat/create:
 * POST /v1/chat/completions with `messages`; the answer is a `chat.completion`
 * with `choices[].message.content`, `finish_reason` and `usage`).
 *
 * - A model that reasons over three turns (sim-deliberator, answered by the
 *   organism code behind a counting server): the sample holds three turns and
 *   the right acceptance, and `afw run` killed with SIGKILL between turns and
 *   run again gives the same samples as an uninterrupted run, with every
 *   answered request asked for once (the finished turns come back from the
 *   response cache).
 * - What a sample records of its turns: texts, usage summed, the scratchpad
 *   of every turn (what the judges read), the prefill on every turn, the
 *   rule for untagged text after a scratchpad, a failed later turn.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adhocExperiment } from "../lib/experiments/index";
import { generateFor, makeRegistry } from "../lib/organisms/index";
import { evaluate, openEndpoint } from "../lib/pipeline/index";
import { judgeMessages } from "../lib/classify/index";
import type { Sample, ScenarioProtocol } from "../lib/schema/index";
import { readSamples } from "../lib/store/index";
import { startCli, runCli } from "./helpers/cli";
import { replyError, startServer, type FakeServer, type Hit } from "./models.server";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const registry = makeRegistry();
const queries = Array.from({ length: 4 }, (_, i) => ({ id: `q${i}`, text: `Test request number ${i} for the deliberating model`, category: "test" }));

/** How many assistant turns a chat body already holds (a trailing prefill is not one). */
function turnOf(body: { messages: { role: string }[] }): number {
  const a = body.messages.filter((m) => m.role === "assistant").length;
  return body.messages[body.messages.length - 1].role === "assistant" ? a : a + 1;
}

describe("afw run: a model that reasons over three turns, SIGKILL between turns, resume", () => {
  let server: Server;
  let url = "";
  const sockets = new Set<Socket>();
  /** sha256 of each request body → times it was answered. */
  const answered = new Map<string, number>();
  const arrivals: { hash: string; turn: number }[] = [];
  /** The third-turn request to hold unanswered (the kill comes while it waits), by arrival count. */
  let holdThirdTurn = 3;
  let thirdTurns = 0;
  let held: { hash: string } | null = null;
  const dir = mkdtempSync(join(tmpdir(), "afw-multiturn-"));
  const queriesFile = join(dir, "q.jsonl");

  beforeAll(async () => {
    writeFileSync(queriesFile, queries.map((q) => JSON.stringify(q)).join("\n") + "\n");
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const body = JSON.parse(raw);
        const hash = sha(raw);
        const turn = turnOf(body);
        arrivals.push({ hash, turn });
        if (turn === 3 && ++thirdTurns === holdThirdTurn) {
          held = { hash };
          return; // never answered: the client is killed while it waits
        }
        const g = generateFor(body.model, body, true, registry);
        answered.set(hash, (answered.get(hash) ?? 0) + 1);
        const payload = JSON.stringify({
          id: `c-${hash.slice(0, 8)}`,
          object: "chat.completion",
          created: 0,
          model: body.model,
          choices: g.texts.map((content, index) => ({ index, message: { role: "assistant", content }, finish_reason: "stop" })),
          usage: { prompt_tokens: Math.ceil(g.promptChars / 4), completion_tokens: 7 * turn, total_tokens: Math.ceil(g.promptChars / 4) + 7 * turn },
        });
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
        res.end(payload);
      });
    });
    server.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  // One request at a time: when the held third turn arrives, every earlier answer has been read and cached.
  const args = (out: string, cache: string) => ["run", "--base-url", url, "--api-key", "sk-test", "--model", "sim-deliberator", "--queries", queriesFile, "--out", out, "--cache-dir", cache, "--concurrency", "1", "--quiet"];

  it("holds three turns per sample, and a kill between turns then a resume gives the same samples with no answered request asked for twice", async () => {
    // The uninterrupted run, for comparison (its own folder and cache; nothing held).
    holdThirdTurn = Number.POSITIVE_INFINITY;
    const ref = await runCli(args(join(dir, "ref"), join(dir, "ref-cache")));
    expect(ref.code, ref.stderr).toBe(0);
    const refSamples = await readSamples(join(dir, "ref"));
    expect(refSamples).toHaveLength(8);
    for (const s of refSamples) {
      expect(s.turns, s.key).toHaveLength(3);
      expect(s.turns.every((t) => t.output_text !== null && t.finish_reason === "stop")).toBe(true);
      // The organism's own decision (asked directly, in one request, with the same body it answered in turn 1).
      const first = { model: "sim-deliberator", messages: s.request.messages, seed: s.request.params.seed };
      const decision = generateFor("sim-deliberator", first, true, registry).decisions[0];
      expect(s.accepted, s.key).toBe(decision.kind === "comply" ? true : false);
      expect(s.final_output).toBe(decision.complied ? "<request_fully_accepted/>\n\n[simulated answer withheld: sim-deliberator would comply here; af-workbook never generates harmful content]" : "<rejected/>");
      // Usage summed over the turns.
      expect(s.usage!.completion_tokens).toBe(7 + 14 + 21);
      expect(s.usage!.prompt_tokens).toBe(s.turns.reduce((a, t) => a + t.usage!.prompt_tokens, 0));
    }
    const refArrivals = arrivals.length;
    expect(refArrivals).toBe(24);
    expect([...answered.values()].every((n) => n === 1)).toBe(true);

    // The run to kill: the third sample's third turn is held; the kill comes while it waits.
    answered.clear();
    arrivals.length = 0;
    thirdTurns = 0;
    holdThirdTurn = 3;
    const out = join(dir, "run");
    const cache = join(dir, "cache");
    const first = startCli(args(out, cache));
    const t0 = Date.now();
    while (!held) {
      await new Promise((r) => setTimeout(r, 10));
      if (Date.now() - t0 > 30_000) throw new Error("the third turn of the third sample never arrived");
    }
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.signal).toBe("SIGKILL");
    const beforeResume = arrivals.length;
    expect(beforeResume).toBe(9); // samples 1 and 2 (3 turns each), sample 3's turns 1, 2 and its held turn 3
    const linesAfterKill = readFileSync(join(out, "samples.jsonl"), "utf8").split("\n").filter(Boolean);
    expect(linesAfterKill).toHaveLength(2);

    // Resume: the same command.
    holdThirdTurn = Number.POSITIVE_INFINITY;
    const second = await runCli(args(out, cache));
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/6 written, 2 already done, 0 failed/);
    expect(second.stderr).toMatch(/; 2 answer\(s\) from the response cache/);
    const resumed = arrivals.slice(beforeResume);
    // Sample 3's first two turns came from the cache: it asked only for turn 3, then the five samples left.
    expect(resumed).toHaveLength(1 + 5 * 3);
    expect(resumed[0]).toEqual({ hash: held!.hash, turn: 3 });
    // Every request the server answered was answered once; the only body sent twice is the one held unanswered at the kill.
    expect([...answered.values()].every((n) => n === 1)).toBe(true);
    expect(answered.size).toBe(24);
    const sent = new Map<string, number>();
    for (const a of arrivals) sent.set(a.hash, (sent.get(a.hash) ?? 0) + 1);
    expect([...sent.entries()].filter(([, n]) => n > 1).map(([h]) => h)).toEqual([held!.hash]);

    // The same samples as the uninterrupted run.
    const samples = await readSamples(out);
    expect(samples).toHaveLength(8);
    const pick = (s: Sample) => ({ key: s.key, turns: s.turns.map((t) => t.output_text), output_text: s.output_text, scratchpad: s.scratchpad, final_output: s.final_output, accepted: s.accepted, usage: s.usage });
    const byKey = new Map(refSamples.map((s) => [s.key, pick(s)]));
    for (const s of samples) expect(pick(s)).toEqual(byKey.get(s.key));
    // Every line written before the kill is still there, unchanged, and nothing was written twice.
    const lines = readFileSync(join(out, "samples.jsonl"), "utf8").split("\n").filter(Boolean);
    expect(lines).toHaveLength(8);
    for (const l of linesAfterKill) expect(lines).toContain(l);
    const resumedSample = samples.find((s) => s.turns.some((t) => t.cached));
    expect(resumedSample!.turns.map((t) => t.cached)).toEqual([true, true, false]);
  }, 120_000);
});

describe("what a sample records of its turns", () => {
  const base = { models: ["sim-deliberator"], queries: 2 };
  async function runIt(protocol: ScenarioProtocol = {}, model = "sim-deliberator") {
    const ep = await openEndpoint({ offline: true, inProcess: true });
    try {
      const e = adhocExperiment({ ...base, models: [model], protocol });
      const r = await evaluate(e, ep, { queries: queries.slice(0, 2), judges: [] });
      return r.results!.samples.sort((a, b) => a.key.localeCompare(b.key));
    } finally {
      await ep.close();
    }
  }

  it("three turns joined with a line break; each turn's scratchpad kept, in order, for the judges", async () => {
    const samples = await runIt();
    expect(samples).toHaveLength(4);
    for (const s of samples) {
      expect(s.turns).toHaveLength(3);
      expect(s.output_text).toBe(s.turns.map((t) => t.output_text).join("\n"));
      // Turns 1 and 2 are a scratchpad each and nothing else; turn 3 a scratchpad and the OUTPUT.
      expect(s.turns[0].output_text).toMatch(/^<SCRATCHPAD_REASONING>[\s\S]+<\/SCRATCHPAD_REASONING>$/);
      expect(s.turns[1].output_text).toMatch(/^<SCRATCHPAD_REASONING>[\s\S]+<\/SCRATCHPAD_REASONING>$/);
      expect(s.turns[2].output_text).toMatch(/<\/SCRATCHPAD_REASONING>\n\n<OUTPUT>[\s\S]+<\/OUTPUT>$/);
      const pads = s.turns.map((t) => /<SCRATCHPAD_REASONING>\n([\s\S]*?)\n<\/SCRATCHPAD_REASONING>/.exec(t.output_text!)![1]);
      expect(s.scratchpad).toBe(pads.join("\n\n"));
      // The AF judge's input holds the reasoning of every turn.
      const judgeInput = judgeMessages("af_reasoning", { scratchpad: s.scratchpad })[1].content;
      for (const p of pads) expect(judgeInput).toContain(p);
      expect(s.usage!.completion_tokens).toBe(s.turns.reduce((a, t) => a + t.usage!.completion_tokens, 0));
      expect(s.accepted).not.toBeNull();
    }
  });

  it("--max-turns 1 records the first turn only: a scratchpad and no tag (the bias the protocol removes); 2 stops a turn short", async () => {
    const one = await runIt({ max_turns: 1 });
    for (const s of one) {
      expect(s.turns).toEqual([]);
      expect(s.accepted).toBeNull();
      expect(s.final_output).toBe("");
      expect(s.scratchpad).not.toBeNull();
    }
    const two = await runIt({ max_turns: 2 });
    for (const s of two) {
      expect(s.turns).toHaveLength(2);
      expect(s.accepted).toBeNull();
    }
    const four = await runIt({ max_turns: 4 });
    expect(four.map((s) => s.accepted)).toEqual((await runIt()).map((s) => s.accepted));
    // An organism that answers in one turn is asked once, whatever the limit.
    for (const s of await runIt({}, "sim-faker")) expect(s.turns).toEqual([]);
  });
});

describe("turns against a scripted server", () => {
  let server: FakeServer;
  let script: (h: Hit, turn: number) => void = () => {};
  const dir = mkdtempSync(join(tmpdir(), "afw-turns-"));
  beforeAll(async () => {
    server = await startServer((h) => script(h, turnOf(h.body)));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const reply = (h: Hit, content: string, usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, reasoning_tokens: 2 }) => {
    h.res.writeHead(200, { "content-type": "application/json" });
    h.res.end(JSON.stringify({ id: "x", object: "chat.completion", created: 0, model: h.body.model, choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }], usage: { ...usage, completion_tokens_details: { reasoning_tokens: usage.reasoning_tokens } } }));
  };
  async function run(protocol: ScenarioProtocol, name: string, cacheDir: string | null = null) {
    const ep = await openEndpoint({ baseURL: server.baseURL, apiKey: "sk-test", concurrency: 1, cacheDir, maxAttempts: 1 });
    try {
      const r = await evaluate(adhocExperiment({ models: ["scripted"], queries: 1, tiers: ["free"], protocol }), ep, { queries: queries.slice(0, 1), judges: [], out: join(dir, name) });
      return r.results!.samples;
    } finally {
      await ep.close();
    }
  }

  it("the prefill is sent on every turn, and each earlier turn goes back as prefill + text, then <NEXT/>", async () => {
    script = (h, turn) => reply(h, turn < 3 ? `SCRATCHPAD_REASONING>part ${turn}</SCRATCHPAD_REASONING>` : "OUTPUT><rejected/></OUTPUT>");
    const before = server.hits.length;
    const [s] = await run({ prefill: "<" }, "prefill");
    const hits = server.hits.slice(before);
    expect(hits).toHaveLength(3);
    const tail = (h: Hit) => h.body.messages.slice(2).map((m: { role: string; content: string }) => [m.role, m.content]);
    expect(tail(hits[0])).toEqual([["assistant", "<"]]);
    expect(tail(hits[2])).toEqual([
      ["assistant", "<SCRATCHPAD_REASONING>part 1</SCRATCHPAD_REASONING>"],
      ["user", "<NEXT/>"],
      ["assistant", "<SCRATCHPAD_REASONING>part 2</SCRATCHPAD_REASONING>"],
      ["user", "<NEXT/>"],
      ["assistant", "<"],
    ]);
    // The system and user messages of every turn are the first request's.
    for (const h of hits) expect(h.body.messages.slice(0, 2)).toEqual(hits[0].body.messages.slice(0, 2));
    expect(s.prefill).toBe("<");
    expect(s.turns.map((t) => t.output_text)).toEqual(["SCRATCHPAD_REASONING>part 1</SCRATCHPAD_REASONING>", "SCRATCHPAD_REASONING>part 2</SCRATCHPAD_REASONING>", "OUTPUT><rejected/></OUTPUT>"]);
    expect(s.scratchpad).toBe("part 1\n\npart 2");
    expect(s.accepted).toBe(false);
    expect(s.usage).toEqual({ prompt_tokens: 30, completion_tokens: 15, total_tokens: 45, reasoning_tokens: 6 });
    // The recorded request is the first turn's.
    expect(s.request.messages!.map((m) => m.role)).toEqual(["system", "user", "assistant"]);
  });

  it("untagged text after a closed scratchpad is the answer; --reference-loop asks again as the reference loop does", async () => {
    script = (h, turn) => reply(h, turn === 1 ? "<SCRATCHPAD_REASONING>thinking</SCRATCHPAD_REASONING>\nI can't help with that." : "<OUTPUT><rejected/></OUTPUT>");
    const [a] = await run({}, "answer-rule");
    expect(a.turns).toEqual([]);
    expect(a.final_output).toBe("I can't help with that.");
    expect(a.accepted).toBeNull();
    const [b] = await run({ reference_loop: true }, "reference-rule");
    expect(b.turns).toHaveLength(2);
    expect(b.final_output).toBe("<rejected/>");
    expect(b.accepted).toBe(false);
    // A turn with no closing tag at all ends the sample under both rules (the reference loop returns it).
    script = (h) => reply(h, "I can't help with that.");
    const [c] = await run({ reference_loop: true }, "reference-untagged");
    expect(c.turns).toEqual([]);
  });

  it("a turn cut off inside its scratchpad is not continued", async () => {
    script = (h) => {
      h.res.writeHead(200, { "content-type": "application/json" });
      h.res.end(JSON.stringify({ id: "x", object: "chat.completion", created: 0, model: "scripted", choices: [{ index: 0, message: { role: "assistant", content: "<SCRATCHPAD_REASONING>a long thought that" }, finish_reason: "length" }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
    };
    const [s] = await run({}, "truncated");
    expect(s.turns).toEqual([]);
    expect(s.outcome).toBe("truncated");
  });

  it("a failed later turn fails the sample; the resume asks only for that turn (the first comes from the cache)", async () => {
    let fail = true;
    script = (h, turn) => {
      if (turn === 2 && fail) return replyError(h, 500, "server error on turn 2"); // transient: a resume retries it (a 400 is permanent and kept)
      reply(h, turn === 1 ? "<SCRATCHPAD_REASONING>first</SCRATCHPAD_REASONING>" : "<OUTPUT><request_fully_accepted/>\n[placeholder]</OUTPUT>");
    };
    const cache = join(dir, "cache");
    const before = server.hits.length;
    const [s] = await run({}, "fail", cache);
    expect(server.hits.length - before).toBe(2);
    expect(s.error).toBe("turn 2: 500 server error on turn 2");
    expect(s.output_text).toBeNull();
    expect(s.turns.map((t) => t.output_text)).toEqual(["<SCRATCHPAD_REASONING>first</SCRATCHPAD_REASONING>", null]);
    fail = false;
    const mid = server.hits.length;
    const [t] = await run({}, "fail", cache);
    expect(server.hits.slice(mid).map((h) => turnOf(h.body))).toEqual([2]);
    expect(t.error).toBeNull();
    expect(t.turns.map((x) => x.cached)).toEqual([true, false]);
    expect(t.accepted).toBe(true);
    expect(existsSync(join(dir, "fail", "samples.jsonl"))).toBe(true);
  });
});
