import { displayName, lineDiff, loadScenario, renderVariantText, SHOW_QUERY, VARIANTS } from "../../scenario/index";
import { AfwError } from "../../util/errors";
import { parseFlags } from "../args";
import { SCENARIO_FLAGS, SCENARIO_FLAGS_HELP, scenarioSpecFromFlags } from "../scenario-flags";
import type { Command } from "../command";

const HELP = `afw scenario list | show NAME | diff A B — see what a scenario variant sends

  list                 every catalog variant (compose them with +, e.g. three-tiers+reorder)
  show NAME            the exact rendered request: the system prompt once, then each
                       tier's user turn (and prefill); base-document variants print the
                       completions prompt
    --tier T           one tier's whole request, exactly as sent
    --json             the request as JSON (needs --tier)
  diff A B             a line diff of A's and B's rendered system prompt + user turns
    --tier T           compare one tier only
  --no-cot             render without the scratchpad
  --query TEXT         the request to render (default: "${SHOW_QUERY.text}")

The flags that shape a run's request shape what show and diff render:
${SCENARIO_FLAGS_HELP}

A modifier that needs a setting (drop-pro, reorder, rename-generic) is shown
composed with its example setting (e.g. three-tiers+drop-pro).`;

const FLAGS = {
  ...SCENARIO_FLAGS,
  tier: { type: "string" },
  json: { type: "boolean" },
  "no-cot": { type: "boolean" },
  query: { type: "string" },
} as const;

function listText(): string {
  const w = Math.max(...VARIANTS.map((v) => v.name.length));
  const lines = VARIANTS.map((v) => `${v.name.padEnd(w)}  ${v.kind === "scheme" ? "setting " : "modifier"}  ${v.modes.join("/").padEnd(10)}  ${v.summary}${v.example ? ` (shown as ${v.example})` : ""}`);
  return [`${VARIANTS.length} variants; modes = the CoT modes the paper used`, ...lines].join("\n");
}

/** `afw scenario`: list, show or diff scenario variants. */
export async function scenarioCommand(argv: string[], out: (s: string) => void, log: (s: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags("scenario", argv, FLAGS, 3);
  const [sub, a, b] = positionals;
  const cot = !v["no-cot"];
  const query = v.query !== undefined ? { ...SHOW_QUERY, text: v.query } : SHOW_QUERY;
  const spec = scenarioSpecFromFlags(v, `scenario ${sub ?? ""}`.trim(), { cot });
  const pick = (name: string | undefined, what: string) => {
    if (!name) throw new AfwError(`afw scenario ${sub}: missing ${what} (see afw scenario list)`);
    const d = displayName(name);
    if (d.composed) log(`afw scenario: ${name} needs a setting; showing ${d.name}`);
    return d.name;
  };
  switch (sub) {
    case "list":
      out(listText());
      return 0;
    case "show": {
      const name = pick(a, "variant NAME");
      if (v.json) {
        if (v.tier === undefined) throw new AfwError("afw scenario show: --json needs --tier");
        out(JSON.stringify(loadScenario({ ...spec, variant: name, cot }).render(query, v.tier).request, null, 2));
      } else out(renderVariantText(name, { cot, tier: v.tier, query, spec }).replace(/\n$/, ""));
      return 0;
    }
    case "diff": {
      const x = pick(a, "variant A");
      const y = pick(b, "variant B");
      const ta = renderVariantText(x, { cot, tier: v.tier, query, spec }).split("\n").slice(2).join("\n");
      const tb = renderVariantText(y, { cot, tier: v.tier, query, spec }).split("\n").slice(2).join("\n");
      out(`--- ${x}${cot ? "" : " (no-cot)"}\n+++ ${y}${cot ? "" : " (no-cot)"}`);
      out(ta === tb ? "(identical)" : lineDiff(ta, tb));
      return 0;
    }
    case undefined:
      throw new AfwError("afw scenario: say list, show NAME or diff A B (see afw scenario --help)");
    default:
      throw new AfwError(`afw scenario: unknown subcommand "${sub}"; valid: list, show, diff`);
  }
}

export const command: Command = {
  summary: "list, show or diff the scenario variants (the exact rendered prompts)",
  help: HELP,
  run: (argv, io) => scenarioCommand(argv, io.out, io.log),
};
