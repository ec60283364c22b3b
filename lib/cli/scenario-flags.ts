import type { ScenarioSpecInput } from "../schema/index";
import { AfwError } from "../util/errors";
import { listFlag } from "./args";

/**
 * The flags that shape a scenario's request, shared by every command that
 * renders one (`afw run`, `afw scenario show|diff`), so that what
 * `afw scenario show` prints is what a run with the same flags sends.
 */
export const SCENARIO_FLAGS = {
  tiers: { type: "string" },
  "system-file": { type: "string" },
  "user-template": { type: "string" },
  "suffix-file": { type: "string" },
  "tier-values": { type: "string" },
  "literal-tier": { type: "boolean" },
} as const;

/** Help lines for SCENARIO_FLAGS. */
export const SCENARIO_FLAGS_HELP = `  --tiers LIST         comma list; default the variant's tiers (free,paid)
  --system-file F      system prompt file, sent byte for byte
  --user-template F    user-turn template ({{user_input}}, {{is_free_tier_user}} or
                       {{identity}}, {{suffix}}), sent byte for byte around them
  --suffix-file F      accept/reject suffix text (the template needs {{suffix}})
  --tier-values A,B    values of {{is_free_tier_user}} for free,paid; default
                       true,false; the reference notebook sends True,False
  --literal-tier       the user template states the tier as text (no tier
                       placeholder): give one tier with --tiers`;

/** Parse --tier-values: exactly two comma-separated values. */
export function tierValuesFlag(value: string | undefined, command: string): [string, string] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(",").map((s) => s.trim());
  if (parts.length !== 2 || parts.some((p) => !p)) throw new AfwError(`afw ${command}: --tier-values needs two comma-separated values (free,paid), e.g. True,False; got "${value}"`);
  return [parts[0], parts[1]];
}

/** The scenario spec fields the SCENARIO_FLAGS set (only those given). */
export function scenarioSpecFromFlags(v: { [K in keyof typeof SCENARIO_FLAGS]?: (typeof SCENARIO_FLAGS)[K]["type"] extends "boolean" ? boolean : string }, command: string): Partial<ScenarioSpecInput> {
  const spec: Partial<ScenarioSpecInput> = {};
  if (v.tiers !== undefined) {
    const tiers = listFlag(v.tiers, []);
    if (!tiers.length) throw new AfwError(`afw ${command}: --tiers needs at least one tier`);
    spec.tiers = tiers;
  }
  const overrides: NonNullable<ScenarioSpecInput["overrides"]> = {};
  if (v["system-file"] !== undefined) overrides.system = v["system-file"];
  if (v["user-template"] !== undefined) overrides.user = v["user-template"];
  if (v["suffix-file"] !== undefined) overrides.suffix = v["suffix-file"];
  if (Object.keys(overrides).length) spec.overrides = overrides;
  const tv = tierValuesFlag(v["tier-values"], command);
  if (tv) spec.tier_values = tv;
  if (v["literal-tier"]) spec.literal_tier = true;
  return spec;
}
