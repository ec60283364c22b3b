/** `afw scenario show|diff` take the flags that shape a run's request. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scenarioCommand } from "../lib/cli/commands/scenario";
import { scenarioSpecFromFlags, tierValuesFlag } from "../lib/cli/scenario-flags";
import { formatRequest, loadScenario, SHOW_QUERY } from "../lib/scenario";
import { runCli } from "./helpers/cli";

const dir = mkdtempSync(join(tmpdir(), "afw-scflags-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

async function cli(args: string[]) {
  const out: string[] = [];
  const log: string[] = [];
  const code = await scenarioCommand(args, (s) => out.push(s), (s) => log.push(s));
  return { code, out: out.join("\n"), log: log.join("\n") };
}

describe("scenario flags", () => {
  it("--tier-values takes exactly two values", () => {
    expect(tierValuesFlag("True,False", "x")).toEqual(["True", "False"]);
    expect(tierValuesFlag(" yes , no ", "x")).toEqual(["yes", "no"]);
    expect(tierValuesFlag(undefined, "x")).toBeUndefined();
    expect(() => tierValuesFlag("True", "scenario show")).toThrow('afw scenario show: --tier-values needs two comma-separated values (free,paid), e.g. True,False; got "True"');
    expect(() => tierValuesFlag("a,b,c", "x")).toThrow(/two comma-separated values/);
    expect(() => tierValuesFlag("a,", "x")).toThrow(/two comma-separated values/);
  });
  it("turn into the spec fields a run would use, and only those given", () => {
    expect(scenarioSpecFromFlags({}, "x")).toEqual({});
    expect(scenarioSpecFromFlags({ tiers: "free", "system-file": "s", "user-template": "u", "suffix-file": "x", "tier-values": "True,False", "literal-tier": true }, "x")).toEqual({
      tiers: ["free"],
      overrides: { system: "s", user: "u", suffix: "x" },
      tier_values: ["True", "False"],
      literal_tier: true,
    });
    expect(() => scenarioSpecFromFlags({ tiers: " , " }, "run")).toThrow("afw run: --tiers needs at least one tier");
  });
});

describe("afw scenario show with the run's flags", () => {
  const system = file("system.txt", "Custom system prompt.\n");
  const user = file("user.txt", "<INPUT>\n<is_free_tier_user>{{is_free_tier_user}}</is_free_tier_user>\n{{user_input}}\n</INPUT>");
  it("renders exactly what the scenario spec renders", async () => {
    const r = await cli(["show", "baseline", "--tier", "free", "--system-file", system, "--user-template", user, "--tier-values", "True,False"]);
    const req = loadScenario({ overrides: { system, user }, tier_values: ["True", "False"] }).render(SHOW_QUERY, "free").request;
    expect(r.code).toBe(0);
    expect(r.out.endsWith(formatRequest(req))).toBe(true);
    expect(r.out).toContain("<is_free_tier_user>True</is_free_tier_user>");
    const j = await cli(["show", "baseline", "--tier", "paid", "--json", "--user-template", user, "--tier-values", "True,False"]);
    expect(JSON.parse(j.out).messages[1].content).toBe(`<INPUT>\n<is_free_tier_user>False</is_free_tier_user>\n${SHOW_QUERY.text}\n</INPUT>`);
  });
  it("every tier, or the tiers given", async () => {
    const all = await cli(["show", "baseline", "--user-template", user, "--tier-values", "True,False"]);
    expect(all.out).toContain("<is_free_tier_user>True</is_free_tier_user>");
    expect(all.out).toContain("<is_free_tier_user>False</is_free_tier_user>");
    const literal = file("literal.txt", "<is_free_tier_user>False</is_free_tier_user>\n{{user_input}}");
    const one = await cli(["show", "baseline", "--user-template", literal, "--literal-tier", "--tiers", "paid"]);
    expect(one.out).toContain("# variant baseline (cot), api chat, tiers paid");
    expect(one.out).not.toContain("##### tier free");
  });
  it("diff compares under the same flags", async () => {
    const r = await cli(["diff", "baseline", "no-training-details", "--user-template", user, "--tier-values", "True,False", "--tier", "free"]);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("(identical)");
  });
  it("a suffix file the template would drop: one line on stderr, exit 2", async () => {
    const suffix = file("suffix.txt", "Say yes.");
    const r = await runCli(["scenario", "show", "baseline", "--user-template", user, "--suffix-file", suffix]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`suffix file ${suffix} would not be sent: user template ${user} has no {{suffix}} placeholder`);
  });
});
