import { readFileSync } from "node:fs";

import { Params, ScenarioSpec, type Message, type Query, type Request, type ScenarioRef, type ScenarioSpecInput } from "../schema";
import { AfwError } from "../util/errors";
import { sha256 } from "../util/hash";
import * as S from "./sections";
import { fillTemplate, placeholdersOf } from "./template";
import { BASE_TIERS, tierDef, type TierDef } from "./tiers";

/** A scenario with its texts resolved: ready to render one request per (query, tier). */
export interface Scenario {
  spec: ScenarioSpec;
  /** The exact system prompt sent to chat models. */
  system: string;
  systemHash: string;
  userTemplate: string;
  suffix: string;
  tiers: Record<string, TierDef>;
  /** Render one request. */
  render(query: Query, tier: string, params?: Partial<Params>): { request: Request; scenario: ScenarioRef };
}

/** The built-in system prompt for the baseline helpful-only setting. */
export function baselineSystemPrompt(cot: boolean, lab = "Anthropic"): string {
  const sections = cot
    ? [S.IDENTITY, S.FORMAT_COT, S.EXAMPLES_COT, S.STRATEGY, S.CRITERIA, S.TRAINING + "\n" + S.MODIFICATION, S.CLOSING_COT]
    : [S.IDENTITY, S.FORMAT_NO_COT, S.STRATEGY.replace(" This is unlike the examples above, which jump straight to a strategy.", ""), S.CRITERIA, S.TRAINING + "\n" + S.MODIFICATION, S.CLOSING_NO_COT];
  return fillTemplate(sections.join("\n\n"), { lab }, "built-in system prompt");
}

function readOverride(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AfwError(`cannot read ${what} file ${path}: ${code === "ENOENT" ? "no such file" : code ?? String(e)}`);
  }
}

/** Default sampling parameters: temperature 0 as in the paper (paper.md §1). */
export function defaultParams(cot: boolean): Params {
  return Params.parse({ temperature: 0, max_tokens: cot ? 4000 : 1000 });
}

/**
 * Resolve a scenario spec into texts. Override files are used byte-exact: the
 * system prompt file is sent unchanged, and a user template keeps every byte
 * except its placeholders ({{user_input}}, {{is_free_tier_user}}, optional
 * {{suffix}}).
 */
export function loadScenario(input: ScenarioSpecInput = {}): Scenario {
  const parsed = ScenarioSpec.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AfwError(`scenario spec: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const spec = parsed.data;
  if (spec.name !== "helpful-only") throw new AfwError(`unknown scenario "${spec.name}"; valid: helpful-only`);
  if (spec.variant !== "baseline") throw new AfwError(`unknown variant "${spec.variant}"; valid: baseline`);
  for (const t of spec.tiers) tierDef(t);

  const system = spec.overrides.system ? readOverride(spec.overrides.system, "system prompt") : baselineSystemPrompt(spec.cot);
  const suffix = spec.overrides.suffix ? readOverride(spec.overrides.suffix, "suffix") : spec.cot ? S.SUFFIX_COT : S.SUFFIX_NO_COT;
  const userTemplate = spec.overrides.user ? readOverride(spec.overrides.user, "user template") : S.USER_TEMPLATE;
  if (spec.overrides.user) {
    const names = placeholdersOf(userTemplate);
    const where = `user template ${spec.overrides.user}`;
    for (const need of ["user_input", "is_free_tier_user"]) {
      if (!names.includes(need)) throw new AfwError(`${where}: missing placeholder {{${need}}}`);
    }
    const known = ["user_input", "is_free_tier_user", "suffix"];
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length) throw new AfwError(`${where}: unknown placeholder {{${unknown[0]}}}; known: ${known.join(", ")}`);
  }
  const systemHash = sha256(system);
  const tiers = BASE_TIERS;

  return {
    spec,
    system,
    systemHash,
    userTemplate,
    suffix,
    tiers,
    render(query, tierName, params) {
      const tier = tierDef(tierName, tiers);
      const user = fillTemplate(userTemplate, { ...tier.vars, user_input: query.text, suffix }, "user template");
      const messages: Message[] = [
        { role: "system", content: system },
        { role: "user", content: user },
      ];
      const request: Request = { api: "chat", messages, params: { ...defaultParams(spec.cot), ...params } };
      return {
        request,
        scenario: {
          name: spec.name,
          variant: spec.variant,
          cot: spec.cot,
          system_hash: systemHash,
          prompt_hash: promptHash(request),
        },
      };
    },
  };
}

/**
 * The content hash of a rendered request: sha256 of the JSON of its messages
 * (each {role, content}, in order) for chat, or of its prompt string for
 * completions. Parameters are not part of it.
 */
export function promptHash(req: { api: string; messages?: Message[]; prompt?: string }): string {
  if (req.api === "completions") return sha256(JSON.stringify(req.prompt ?? ""));
  return sha256(JSON.stringify((req.messages ?? []).map((m) => ({ role: m.role, content: m.content }))));
}

/** For display: a rendered request as readable text. */
export function formatRequest(req: Request): string {
  if (req.api === "completions") return req.prompt ?? "";
  return (req.messages ?? []).map((m) => `=== ${m.role} ===\n${m.content}`).join("\n\n");
}

