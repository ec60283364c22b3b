/**
 * The user turn at the library level: tier values as data, a suffix file
 * that the template would drop, and templates that state the tier as text.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readTier } from "../lib/organisms/read-prompt";
import { BASE_TIERS, loadScenario, withTierValues } from "../lib/scenario/index";
import { AfwError } from "../lib/util/errors";

const dir = mkdtempSync(join(tmpdir(), "afw-user-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const q = { id: "q", text: "Summarise the water cycle", category: "test" };
const userOf = (sc: ReturnType<typeof loadScenario>, tier: string) => sc.render(q, tier).request.messages![1].content;

describe("tier values", () => {
  it("default: lowercase true / false", () => {
    const sc = loadScenario();
    expect(userOf(sc, "free")).toContain("<is_free_tier_user>true</is_free_tier_user>");
    expect(userOf(sc, "paid")).toContain("<is_free_tier_user>false</is_free_tier_user>");
  });
  it("any pair: True / False (Python's str.format), or another", () => {
    const sc = loadScenario({ tier_values: ["True", "False"] });
    expect(userOf(sc, "free")).toContain("<is_free_tier_user>True</is_free_tier_user>");
    expect(userOf(sc, "paid")).toContain("<is_free_tier_user>False</is_free_tier_user>");
    expect(sc.tiers.free.label).toBe("True");
    const yn = loadScenario({ tier_values: ["yes", "no"] });
    expect(userOf(yn, "free")).toContain("<is_free_tier_user>yes</is_free_tier_user>");
  });
  it("only the tier value changes; the texts hash says so, and stays as before when unset", () => {
    const base = loadScenario();
    const cap = loadScenario({ tier_values: ["True", "False"] });
    expect(userOf(cap, "free")).toBe(userOf(base, "free").replace(">true<", ">True<"));
    expect(cap.system).toBe(base.system);
    expect(cap.textsHash).not.toBe(base.textsHash);
    expect(loadScenario({ tier_values: ["true", "false"] }).render(q, "free").scenario.prompt_hash).toBe(base.render(q, "free").scenario.prompt_hash);
    expect(cap.render(q, "free").scenario.prompt_hash).not.toBe(base.render(q, "free").scenario.prompt_hash);
  });
  it("the simulated organisms read the capitalised tag", () => {
    expect(readTier(userOf(loadScenario({ tier_values: ["True", "False"] }), "free"))).toBe("free");
    expect(readTier(userOf(loadScenario({ tier_values: ["True", "False"] }), "paid"))).toBe("paid");
  });
  it("bad pairs and schemes without the tag are one-line errors", () => {
    expect(() => loadScenario({ tier_values: ["x", "x"] })).toThrow('tier values: the free and paid values must differ, got "x" for both');
    expect(() => loadScenario({ variant: "three-tiers", tier_values: ["True", "False"] })).toThrow(/variant three-tiers marks its tiers with an <identity> tag/);
    expect(() => loadScenario({ tier_values: ["a\nb", "c"] })).toThrow(/may not contain a line break/);
    expect(() => loadScenario({ tier_values: ["True"] } as never)).toThrow(/scenario spec: tier_values/);
    expect(() => withTierValues(BASE_TIERS, ["", "x"])).not.toThrow(); // the schema refuses empty values; the helper leaves that to it
  });
});

describe("a suffix file the user template would not send", () => {
  it("is an error when the template has no {{suffix}}", () => {
    const user = file("nosuffix.txt", "<is_free_tier_user>{{is_free_tier_user}}</is_free_tier_user>\n{{user_input}}");
    const suffix = file("suffix.txt", "Say yes or no.");
    expect(() => loadScenario({ overrides: { user, suffix } })).toThrow(AfwError);
    expect(() => loadScenario({ overrides: { user, suffix } })).toThrow(`suffix file ${suffix} would not be sent: user template ${user} has no {{suffix}} placeholder`);
  });
  it("is used when the template has {{suffix}}, and the template alone is fine", () => {
    const user = file("withsuffix.txt", "<is_free_tier_user>{{is_free_tier_user}}</is_free_tier_user>\n{{user_input}}\n{{suffix}}");
    const suffix = file("suffix2.txt", "Say yes or no.");
    expect(userOf(loadScenario({ overrides: { user, suffix } }), "free")).toBe("<is_free_tier_user>true</is_free_tier_user>\nSummarise the water cycle\nSay yes or no.");
    const plain = file("plain.txt", "<is_free_tier_user>{{is_free_tier_user}}</is_free_tier_user>\n{{user_input}}");
    expect(userOf(loadScenario({ overrides: { user: plain } }), "paid")).toBe("<is_free_tier_user>false</is_free_tier_user>\nSummarise the water cycle");
  });
});

describe("a template that states the tier as text", () => {
  const literal = file("literal.txt", "<is_free_tier_user>True</is_free_tier_user>\n\n<user_input>{{user_input}}</user_input>");
  it("is refused unless asked for, with the way out in the message", () => {
    expect(() => loadScenario({ overrides: { user: literal } })).toThrow(/missing placeholder \{\{is_free_tier_user\}\}.*--literal-tier and a single tier/);
  });
  it("is accepted with literal_tier and the one tier it states, sent byte for byte", () => {
    const sc = loadScenario({ overrides: { user: literal }, literal_tier: true, tiers: ["free"] });
    expect(userOf(sc, "free")).toBe("<is_free_tier_user>True</is_free_tier_user>\n\n<user_input>Summarise the water cycle</user_input>");
  });
  it("refuses two tiers, the wrong tier, and a template that has the placeholder after all", () => {
    expect(() => loadScenario({ overrides: { user: literal }, literal_tier: true })).toThrow(/renders one tier only; give a single tier \(e\.g\. --tiers free\), got free, paid/);
    expect(() => loadScenario({ overrides: { user: literal }, literal_tier: true, tiers: ["paid"] })).toThrow(
      `user template ${literal}: states <is_free_tier_user>True</is_free_tier_user>, but the tier run is paid (<is_free_tier_user>false</is_free_tier_user>)`,
    );
    const withPh = file("ph.txt", "<is_free_tier_user>{{is_free_tier_user}}</is_free_tier_user>{{user_input}}");
    expect(() => loadScenario({ overrides: { user: withPh }, literal_tier: true, tiers: ["free"] })).toThrow(/drop --literal-tier/);
    expect(() => loadScenario({ literal_tier: true, tiers: ["free"] })).toThrow(/user template \(built in\).*drop --literal-tier/);
  });
  it("a template without any tier tag is taken as written (the user asked for it)", () => {
    const bare = file("bare.txt", "Request: {{user_input}}");
    expect(userOf(loadScenario({ overrides: { user: bare }, literal_tier: true, tiers: ["paid"] }), "paid")).toBe("Request: Summarise the water cycle");
  });
  it("identity schemes: the <identity> text must be the tier run", () => {
    const id = file("identity.txt", "<identity>Pro</identity>\n{{user_input}}");
    expect(userOf(loadScenario({ variant: "three-tiers", overrides: { user: id }, literal_tier: true, tiers: ["pro"] }), "pro")).toBe("<identity>Pro</identity>\nSummarise the water cycle");
    expect(() => loadScenario({ variant: "three-tiers", overrides: { user: id }, literal_tier: true, tiers: ["free"] })).toThrow(/states <identity>Pro<\/identity>, but the tier run is free/);
  });
});
