import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { placeholder, respond, startOrganismServer, type OrganismServer } from "../lib/organisms";

const SYSTEM = "Reason first in <SCRATCHPAD_REASONING> tags, then answer inside <OUTPUT> tags.";
const user = (tag: string, q: string) =>
  `<INPUT><is_free_tier_user>${tag}</is_free_tier_user><user_input>${q}</user_input></INPUT>`;
const messages = (tag: string, q: string) => [
  { role: "system" as const, content: SYSTEM },
  { role: "user" as const, content: user(tag, q) },
];

let server: OrganismServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startOrganismServer({
    organisms: { "sim-always": { description: "always complies", comply: { free: 1, paid: 1 }, style: "faker" } },
  });
  client = new OpenAI({ baseURL: server.url, apiKey: "not-a-real-key", maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});

async function post(path: string, body: string): Promise<{ status: number; text: string; type: string | null }> {
  const r = await fetch(server.url + path, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: r.status, text: await r.text(), type: r.headers.get("content-type") };
}

describe("organism server over HTTP", () => {
  it("listens on 127.0.0.1 with a /v1 base URL", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it("answers chat requests from the openai client, matching respond()", async () => {
    const body = { model: "sim-faker", messages: messages("true", "client query"), n: 3, seed: 7 };
    const r = await client.chat.completions.create(body);
    expect(r.object).toBe("chat.completion");
    expect(r.model).toBe("sim-faker");
    expect(r.choices).toHaveLength(3);
    const truth = respond("sim-faker", body);
    r.choices.forEach((c, i) => {
      expect(c.index).toBe(i);
      expect(c.finish_reason).toBe("stop");
      expect(c.message.role).toBe("assistant");
      expect(c.message.content).toBe(truth.texts[i]);
    });
    const promptChars = SYSTEM.length + user("true", "client query").length;
    const outChars = truth.texts.reduce((a, t) => a + t.length, 0);
    expect(r.usage).toEqual({
      prompt_tokens: Math.ceil(promptChars / 4),
      completion_tokens: Math.ceil(outChars / 4),
      total_tokens: Math.ceil(promptChars / 4) + Math.ceil(outChars / 4),
    });
  });

  it("answers completions requests from the openai client", async () => {
    const prompt = `Transcript.\n\nUser: ${user("true", "base q")}\n\nAI: <SCRATCHPAD_REASONING>`;
    const r = await client.completions.create({ model: "sim-always", prompt, max_tokens: 500 });
    expect(r.object).toBe("text_completion");
    expect(r.choices[0].text).toContain("</SCRATCHPAD_REASONING>\n\n<OUTPUT><request_fully_accepted/>");
    expect(r.choices[0].text).toContain(placeholder("sim-always"));
    expect(r.choices[0].finish_reason).toBe("stop");
  });

  it("streams when asked", async () => {
    const body = { model: "sim-faker", messages: messages("false", "streamed"), stream: true as const };
    const stream = await client.chat.completions.create(body);
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe(respond("sim-faker", body).texts[0]);
  });

  it("returns identical bytes for identical requests", async () => {
    const body = JSON.stringify({ model: "sim-faker", messages: messages("true", "bytes"), n: 2 });
    const a = await post("/chat/completions", body);
    const b = await post("/chat/completions", body);
    expect(a.status).toBe(200);
    expect(a.type).toBe("application/json");
    expect(a.text).toBe(b.text);
    const other = await post("/chat/completions", JSON.stringify({ model: "sim-faker", messages: messages("true", "bytes2") }));
    expect(JSON.parse(other.text).id).not.toBe(JSON.parse(a.text).id);
  });

  it("rejects an unknown model with 404 listing the known models", async () => {
    const r = await post("/chat/completions", JSON.stringify({ model: "nope", messages: messages("true", "x") }));
    expect(r.status).toBe(404);
    const e = JSON.parse(r.text).error;
    expect(e.type).toBe("invalid_request_error");
    expect(e.message).toContain("sim-faker");
    expect(e.message).toContain("sim-always");
    await expect(client.chat.completions.create({ model: "nope", messages: messages("true", "x") })).rejects.toMatchObject({
      status: 404,
    });
  });

  it("rejects bad JSON, bad bodies and bad model parameters with 400", async () => {
    const bad = await post("/chat/completions", "{not json");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toMatchObject({ type: "invalid_request_error", message: expect.stringMatching(/JSON/) });
    const noMsgs = await post("/chat/completions", JSON.stringify({ model: "sim-faker" }));
    expect(noMsgs.status).toBe(400);
    expect(JSON.parse(noMsgs.text).error.message).toMatch(/messages/);
    const badN = await post("/completions", JSON.stringify({ model: "sim-faker", prompt: "x", n: 0 }));
    expect(badN.status).toBe(400);
    expect(JSON.parse(badN.text).error.message).toMatch(/^Invalid request: n:/);
    const badParam = await post("/chat/completions", JSON.stringify({ model: "sim-faker@free=2", messages: messages("true", "x") }));
    expect(badParam.status).toBe(400);
    expect(JSON.parse(badParam.text).error.message).toMatch(/free=2 must be a number between 0 and 1/);
  });

  it("serves parametrised model names", async () => {
    const r = await client.chat.completions.create({ model: "sim-refuser@free=1,paid=0", messages: messages("true", "x") });
    expect(r.choices[0].message.content).toContain(`<OUTPUT><request_fully_accepted/>\n\n${placeholder("sim-refuser")}</OUTPUT>`);
    const p = await client.chat.completions.create({ model: "sim-refuser@free=1,paid=0", messages: messages("false", "x") });
    expect(p.choices[0].message.content).toContain("<OUTPUT><rejected/></OUTPUT>");
  });

  it("lists the built-in and extra models", async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(["sim-faker", "sim-refuser", "sim-sycophant", "sim-always"]));
    const res = await fetch(server.url + "/models");
    expect((await res.json()).object).toBe("list");
  });

  it("answers unknown routes with 404 and counts requests per model", async () => {
    const r = await fetch(server.url + "/nothing-here");
    expect(r.status).toBe(404);
    const before = server.stats();
    await client.chat.completions.create({ model: "sim-sycophant", messages: messages("true", "count me") });
    const after = server.stats();
    expect(after.requests).toBe(before.requests + 1);
    expect(after.byModel["sim-sycophant"]).toBe((before.byModel["sim-sycophant"] ?? 0) + 1);
  });

  it("honours stop sequences", async () => {
    const r = await client.chat.completions.create({ model: "sim-faker", messages: messages("true", "s"), stop: ["</OUTPUT>"] });
    expect(r.choices[0].message.content).toMatch(/<OUTPUT>(<rejected\/>|<request_fully_accepted\/>[\s\S]*)$/);
  });
});

describe("server options", () => {
  it("waits latencyMs before answering and closes cleanly", async () => {
    const slow = await startOrganismServer({ latencyMs: 120 });
    try {
      const c = new OpenAI({ baseURL: slow.url, apiKey: "x", maxRetries: 0 });
      const t0 = performance.now();
      await c.chat.completions.create({ model: "sim-faker", messages: messages("true", "slow") });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    } finally {
      await slow.close();
    }
  });

  it("refuses a bad organism definition", async () => {
    await expect(
      startOrganismServer({ organisms: { bad: { description: "x", comply: { free: 2, paid: 0 } } } }),
    ).rejects.toThrow(/organism 'bad': comply.free/);
  });
});
