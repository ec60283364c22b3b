import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateRequest, PromptStore } from "../lib/store";
import type { Request } from "../lib/schema";

const req = (system: string, user: string): Request => ({
  api: "chat",
  messages: [
    { role: "system", content: system },
    { role: "user", content: user },
  ],
  params: { temperature: 0, max_tokens: 10 },
});

describe("prompt store", () => {
  it("writes each system prompt once and round-trips byte-exact", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "afw-prompts-")), "prompts");
    const store = new PromptStore(dir);
    const sys = "System prompt\r\nwith é and trailing space \n";
    const a = store.slim(req(sys, "one"));
    const b = store.slim(req(sys, "two"));
    const c = store.slim(req("another", "three"));
    expect(readdirSync(dir).length).toBe(2);
    expect(a.messages![0]).toEqual({ role: "system", content: "", ref: b.messages![0].ref });
    expect(a.messages![1]).toEqual({ role: "user", content: "one" });
    const cache = new Map<string, string>();
    const back = inflateRequest(JSON.parse(JSON.stringify(a)), dir, cache);
    expect(back.messages![0].content).toBe(sys);
    expect(back.messages![0]).not.toHaveProperty("ref");
    expect(inflateRequest(c, dir, cache).messages![0].content).toBe("another");
    // texts are shared between samples, not copied
    expect(inflateRequest(b, dir, cache).messages![0].content).toBe(back.messages![0].content);
  });
  it("leaves requests without a system prompt alone", () => {
    const store = new PromptStore(mkdtempSync(join(tmpdir(), "afw-prompts-")));
    const r: Request = { api: "completions", prompt: "doc", params: { temperature: 0, max_tokens: 5 } };
    expect(store.slim(r)).toBe(r);
  });
  it("fails with the file name on a missing or altered prompt file", () => {
    const dir = mkdtempSync(join(tmpdir(), "afw-prompts-"));
    const slim = new PromptStore(dir).slim(req("text", "u"));
    const ref = slim.messages![0].ref!;
    writeFileSync(join(dir, `${ref}.txt`), "changed");
    expect(() => inflateRequest(slim, dir, new Map())).toThrow(`${join(dir, ref)}.txt: contents do not match their hash`);
    expect(() => inflateRequest(slim, join(dir, "nope"), new Map())).toThrow(/missing prompt file referenced by a sample/);
    expect(readFileSync(join(dir, `${ref}.txt`), "utf8")).toBe("changed");
  });
});
