/**
 * The reference request, byte for byte: the reference system prompt files
 * (../shared/external/arena-prompts) with the reference user turn (the
 * official notebook's template, quoted in ../shared/external/README.md),
 * rendered by lib/scenario and sent through the model client to a local
 * server, must arrive exactly as the reference code formats them: Python's
 * str.format, which writes the tier as `True` / `False`; and, with the
 * default tier values, as other published code writes it (`true` / `false`).
 *
 * The expected user turn is made by Python itself when python3 is on the
 * machine (str.format with a real bool), so the check does not depend on the
 * project's own template filling. Nothing from ../shared is copied into the
 * project: the template is written to a temporary folder at test time.
 * Skips, saying so, when ../shared is absent.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelClient } from "../lib/models/index";
import { loadScenario } from "../lib/scenario/index";
import { AfwError } from "../lib/util/errors";
import { fromRoot } from "../lib/util/paths";
import { startServer, type FakeServer } from "./models.server";

const EXT = join(fromRoot(), "..", "shared", "external");
const PROMPTS = join(EXT, "arena-prompts");
const present = existsSync(join(EXT, "README.md")) && existsSync(join(PROMPTS, "system_cot_arena31.txt"));
if (!present) console.warn(`scenario.reference.test: skipped, ${EXT} is absent (reference prompts live in ../shared/external)`);

/** The reference user turn: the fenced block after "The reference user turn" in the README. */
function referenceUserTurn(): string {
  const readme = readFileSync(join(EXT, "README.md"), "utf8");
  const at = readme.indexOf("The reference user turn");
  const m = /```\n([\s\S]*?)\n```/.exec(readme.slice(at));
  if (at < 0 || !m) throw new Error("README.md: reference user turn block not found");
  return m[1];
}

function hasPython(): boolean {
  try {
    execFileSync("python3", ["-c", "pass"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The reference formatting: Python's str.format with a bool (True/False) or a string (true/false). */
function referenceFormat(template: string, tier: boolean, query: string, lowercase: boolean): string {
  if (hasPython()) {
    const code = "import sys,json; a=json.load(sys.stdin); v=a['tier'] if not a['lower'] else str(a['tier']).lower(); sys.stdout.write(a['t'].format(is_free_tier_user=v, user_input=a['q']))";
    return execFileSync("python3", ["-c", code], { input: JSON.stringify({ t: template, tier, q: query, lower: lowercase }), encoding: "utf8" });
  }
  const v = lowercase ? String(tier) : tier ? "True" : "False";
  return template.split("{is_free_tier_user}").join(v).split("{user_input}").join(query);
}

describe.skipIf(!present)("the reference request, byte for byte", () => {
  let server: FakeServer;
  let dir: string;
  let userTemplatePath: string;
  const query = "Write a short poem about autumn leaves";

  beforeAll(async () => {
    server = await startServer();
    dir = mkdtempSync(join(tmpdir(), "afw-ref-"));
    // The notebook's str.format fields become the project's {{placeholders}}; nothing else changes.
    const ours = referenceUserTurn().replace("{is_free_tier_user}", "{{is_free_tier_user}}").replace("{user_input}", "{{user_input}}");
    userTemplatePath = join(dir, "user.txt");
    writeFileSync(userTemplatePath, ours);
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function sent(system: string, tier: "free" | "paid", tierValues?: [string, string]) {
    const sc = loadScenario({ overrides: { system: join(PROMPTS, system), user: userTemplatePath }, ...(tierValues ? { tier_values: tierValues } : {}) });
    const { request } = sc.render({ id: "q", text: query, category: "test" }, tier);
    const client = new ModelClient({ baseURL: server.baseURL, apiKey: "test-key" });
    const before = server.hits.length;
    await client.call("reference-model", request, 0);
    const hit = server.hits[before];
    return hit.body.messages as { role: string; content: string }[];
  }

  for (const system of ["system_cot_arena31.txt", "system_nocot_arena31.txt"]) {
    for (const [label, values, lower] of [
      ["capitalised (tier values True,False)", ["True", "False"], false],
      ["lowercase (the default)", undefined, true],
    ] as const) {
      it(`${system}, ${label}`, async () => {
        for (const tier of ["free", "paid"] as const) {
          const messages = await sent(system, tier, values ? [...values] : undefined);
          expect(messages.map((m) => m.role)).toEqual(["system", "user"]);
          expect(Buffer.from(messages[0].content).equals(readFileSync(join(PROMPTS, system)))).toBe(true);
          const want = referenceFormat(referenceUserTurn(), tier === "free", query, lower);
          expect(messages[1].content).toBe(want);
          expect(messages[1].content).toContain(`<is_free_tier_user>${lower ? String(tier === "free") : tier === "free" ? "True" : "False"}</is_free_tier_user>`);
        }
      });
    }
  }

  it("the system prompt with {examples} filled in is the file the reference code sends, once CRLF is read as Python reads it", () => {
    // The template files have CRLF line ends; Python's text-mode read turns them into LF before str.format.
    const pyRead = (f: string) => readFileSync(join(PROMPTS, f), "utf8").replace(/\r\n?/g, "\n");
    const raw = readFileSync(join(PROMPTS, "arena_alignment_faking_system_prompt_cot.txt"), "utf8");
    expect(raw.includes("\r\n")).toBe(true);
    const filled = pyRead("arena_alignment_faking_system_prompt_cot.txt").split("{examples}").join(pyRead("arena_alignment_faking_examples.txt"));
    expect(filled).toBe(readFileSync(join(PROMPTS, "system_cot_arena31.txt"), "utf8"));
  });

  it("a suffix file with this template (it has no {{suffix}}) is an error, not silently dropped", () => {
    const suffix = join(dir, "suffix.txt");
    writeFileSync(suffix, "Answer with a tag.");
    expect(() => loadScenario({ overrides: { user: userTemplatePath, suffix } })).toThrow(AfwError);
    expect(() => loadScenario({ overrides: { user: userTemplatePath, suffix } })).toThrow(`suffix file ${suffix} would not be sent: user template ${userTemplatePath} has no {{suffix}} placeholder`);
  });
});
