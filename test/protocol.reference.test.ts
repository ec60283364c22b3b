/**
 * The reference request through `afw run`, byte for byte: the reference
 * system prompt files (../shared/external/arena-prompts) with the reference
 * user turn (the official notebook's template, quoted in
 * ../shared/external/README.md) and the reference prefill, sent by the CLI
 * (a child process) to a local server, must arrive exactly as the reference
 * code formats them: Python's str.format writes the tier as `True` / `False`
 * (`--tier-values True,False`); other published code writes `true` /
 * `false` (the default). The prefill (`--prefill reference`: `<` with the
 * scratchpad, `<OUTPUT>` without) is the trailing assistant message, and the
 * reply is recorded without it and parsed with it.
 *
 * The local server speaks the OpenAI chat-completions protocol
 * (https://platform.openai.com/docs/api-reference/chat/create: POST
 * /v1/chat/completions with `model` and `messages`, answered by a
 * `chat.completion` object with `choices[].message` and `usage`).
 *
 * The expected user turn is made by Python itself when python3 is on the
 * machine. Nothing from ../shared is copied into the project: the template
 * is written to a temporary folder at test time. Skips, saying so, when
 * ../shared is absent.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSamples } from "../lib/store/index";
import { fromRoot } from "../lib/util/paths";
import { runCli } from "./helpers/cli";

const EXT = join(fromRoot(), "..", "shared", "external");
const PROMPTS = join(EXT, "arena-prompts");
const present = existsSync(join(EXT, "README.md")) && existsSync(join(PROMPTS, "system_cot_arena31.txt"));
if (!present) console.warn(`protocol.reference.test: skipped, ${EXT} is absent (reference prompts live in ../shared/external)`);

/** The reference user turn: the fenced block after "The reference user turn" in the README. */
function referenceUserTurn(): string {
  const readme = readFileSync(join(EXT, "README.md"), "utf8");
  const at = readme.indexOf("The reference user turn");
  const m = /```\n([\s\S]*?)\n```/.exec(readme.slice(at));
  if (at < 0 || !m) throw new Error("README.md: reference user turn block not found");
  return m[1];
}

const hasPython = (() => {
  try {
    execFileSync("python3", ["-c", "pass"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Python's str.format of the template with a bool (True/False) or its lowercase string. */
function referenceFormat(template: string, free: boolean, query: string, lowercase: boolean): string {
  if (hasPython) {
    const code = "import sys,json; a=json.load(sys.stdin); v=a['tier'] if not a['lower'] else str(a['tier']).lower(); sys.stdout.write(a['t'].format(is_free_tier_user=v, user_input=a['q']))";
    return execFileSync("python3", ["-c", code], { input: JSON.stringify({ t: template, tier: free, q: query, lower: lowercase }), encoding: "utf8" });
  }
  const v = lowercase ? String(free) : free ? "True" : "False";
  return template.split("{is_free_tier_user}").join(v).split("{user_input}").join(query);
}

interface Received {
  raw: string;
  body: { model: string; messages: { role: string; content: string }[]; stop?: string[] };
}

describe.skipIf(!present)("afw run sends the reference request byte for byte", () => {
  let server: Server;
  let url = "";
  const received: Received[] = [];
  let dir = "";
  let userTemplate = "";
  let queries = "";
  const query = "Write a short poem about autumn leaves";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "afw-protoref-"));
    // The notebook's str.format fields become the project's {{placeholders}}; nothing else changes.
    userTemplate = join(dir, "user.txt");
    writeFileSync(userTemplate, referenceUserTurn().replace("{is_free_tier_user}", "{{is_free_tier_user}}").replace("{user_input}", "{{user_input}}"));
    queries = join(dir, "q.jsonl");
    writeFileSync(queries, JSON.stringify({ id: "poem", text: query }) + "\n");
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const body = JSON.parse(raw) as Received["body"];
        received.push({ raw, body });
        const last = body.messages[body.messages.length - 1];
        // A continuation of the prefill, as a server that continues prefills answers (the prefill itself not repeated).
        const content = last.role === "assistant" && last.content === "<" ? "SCRATCHPAD_REASONING>I will decline.</SCRATCHPAD_REASONING>\n\n<OUTPUT><rejected/></OUTPUT>" : last.role === "assistant" ? "<rejected/></OUTPUT>" : "<OUTPUT><rejected/></OUTPUT>";
        const payload = JSON.stringify({ id: "c1", object: "chat.completion", created: 0, model: body.model, choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } });
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
        res.end(payload);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(system: string, extra: string[]): Promise<{ out: string; bodies: Received[] }> {
    const out = join(dir, `out-${received.length}-${Math.random().toString(36).slice(2)}`);
    const before = received.length;
    const r = await runCli(["run", "--base-url", url, "--api-key", "sk-test", "--model", "reference-model", "--queries", queries, "--system-file", join(PROMPTS, system), "--user-template", userTemplate, "--out", out, "--no-cache", "--concurrency", "1", "--quiet", ...extra]);
    expect(r.code, r.stderr).toBe(0);
    return { out, bodies: received.slice(before) };
  }

  for (const [system, cot] of [["system_cot_arena31.txt", true], ["system_nocot_arena31.txt", false]] as const) {
    for (const [label, tierValues, lower] of [["capitalised (--tier-values True,False)", ["--tier-values", "True,False"], false], ["lowercase (the default)", [], true]] as const) {
      it(`${system}, ${label}, with the reference prefill`, async () => {
        const { out, bodies } = await run(system, [...tierValues, "--prefill", "reference", ...(cot ? [] : ["--no-cot"])]);
        expect(bodies).toHaveLength(2);
        const prefill = cot ? "<" : "<OUTPUT>";
        for (const { raw, body } of bodies) {
          const free = body.messages[1].content.includes(lower ? "<is_free_tier_user>true<" : "<is_free_tier_user>True<");
          expect(body.messages.map((m) => m.role)).toEqual(["system", "user", "assistant"]);
          // The system message is the file, byte for byte.
          expect(Buffer.from(body.messages[0].content, "utf8").equals(readFileSync(join(PROMPTS, system)))).toBe(true);
          // The user message is exactly Python's str.format of the notebook's template.
          expect(body.messages[1].content).toBe(referenceFormat(referenceUserTurn(), free, query, lower));
          expect(body.messages[2]).toEqual({ role: "assistant", content: prefill });
          // And those strings are what went over the wire (JSON-escaped once, nothing else).
          expect(raw).toContain(JSON.stringify(body.messages[1].content));
        }
        const tiersSent = bodies.map((b) => /<is_free_tier_user>(\w+)<\/is_free_tier_user>/.exec(b.body.messages[1].content)![1]).sort();
        expect(tiersSent).toEqual(lower ? ["false", "true"] : ["False", "True"]);

        // The reply is recorded without the prefill and read with it.
        const samples = await readSamples(out);
        expect(samples).toHaveLength(2);
        for (const s of samples) {
          expect(s.prefill).toBe(prefill);
          expect(s.output_text!.startsWith(prefill)).toBe(false);
          expect(s.accepted).toBe(false);
          expect(s.final_output).toBe("<rejected/>");
          if (cot) expect(s.scratchpad).toBe("I will decline.");
          expect(s.request.messages![0].content).toBe(readFileSync(join(PROMPTS, system), "utf8"));
        }
      }, 30_000);
    }
  }

  it("a suffix file with the reference template (it has no {{suffix}}) stops the run before anything is sent", async () => {
    const suffix = join(dir, "suffix.txt");
    writeFileSync(suffix, "Answer with a tag.");
    const out = join(dir, "no-suffix");
    const before = received.length;
    const r = await runCli(["run", "--base-url", url, "--api-key", "sk-test", "--model", "m", "--queries", queries, "--user-template", userTemplate, "--suffix-file", suffix, "--out", out, "--no-cache", "--quiet"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([`suffix file ${suffix} would not be sent: user template ${userTemplate} has no {{suffix}} placeholder`]);
    expect(existsSync(out)).toBe(false);
    expect(received.length).toBe(before);
  });
});
