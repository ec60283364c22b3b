import type { ScenarioSpecInput } from "../schema/index";
import { namedPrefill, PREFILL_NAMES } from "../scenario/index";
import { AfwError } from "../util/errors";
import { intFlag, listFlag } from "./args";

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
  prefill: { type: "string" },
  "prefill-file": { type: "string" },
  stop: { type: "string", multiple: true },
  "max-turns": { type: "string" },
  "reference-loop": { type: "boolean" },
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
                       placeholder): give one tier with --tiers
  --prefill TEXT       start of the assistant turn, sent on every turn and kept
                       apart from the reply; "reference" = the reference
                       prefill: "<" with the scratchpad, "<OUTPUT>" without
  --prefill-file F     the prefill from a file, byte for byte (a final line
                       break is sent too)
  --stop S             a stop sequence; repeat for several
  --max-turns K        turns of the multi-turn scratchpad protocol: a turn that
                       ends after its scratchpad is answered with <NEXT/> and
                       asked again, up to K turns; default 4; 1 turns it off
  --reference-loop     ask again on the reference loop's condition (a closed
                       scratchpad and no OUTPUT block), also when untagged text
                       follows the scratchpad (default: that text is the answer)`;

/** The values of SCENARIO_FLAGS a command read. */
export interface ScenarioFlagValues {
  tiers?: string;
  "system-file"?: string;
  "user-template"?: string;
  "suffix-file"?: string;
  "tier-values"?: string;
  "literal-tier"?: boolean;
  prefill?: string;
  "prefill-file"?: string;
  stop?: string[];
  "max-turns"?: string;
  "reference-loop"?: boolean;
}

/** Parse --tier-values: exactly two comma-separated values. */
export function tierValuesFlag(value: string | undefined, command: string): [string, string] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(",").map((s) => s.trim());
  if (parts.length !== 2 || parts.some((p) => !p)) throw new AfwError(`afw ${command}: --tier-values needs two comma-separated values (free,paid), e.g. True,False; got "${value}"`);
  return [parts[0], parts[1]];
}

/**
 * The scenario spec fields the SCENARIO_FLAGS set (only those given).
 * `cot` picks the text of a named prefill (`--prefill reference`).
 */
export function scenarioSpecFromFlags(v: ScenarioFlagValues, command: string, opts: { cot?: boolean } = {}): Partial<ScenarioSpecInput> {
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
  if (v["prefill-file"] !== undefined) overrides.prefill = v["prefill-file"];
  if (Object.keys(overrides).length) spec.overrides = overrides;
  const tv = tierValuesFlag(v["tier-values"], command);
  if (tv) spec.tier_values = tv;
  if (v["literal-tier"]) spec.literal_tier = true;
  if (v.prefill !== undefined) {
    if (v["prefill-file"] !== undefined) throw new AfwError(`afw ${command}: give --prefill or --prefill-file, not both`);
    if (v.prefill === "") throw new AfwError(`afw ${command}: --prefill needs a text (or a name: ${PREFILL_NAMES.join(", ")})`);
    spec.prefill = namedPrefill(v.prefill, opts.cot ?? true) ?? v.prefill;
  }
  if (v.stop !== undefined) {
    if (v.stop.some((s) => s === "")) throw new AfwError(`afw ${command}: --stop needs a non-empty sequence`);
    spec.stop = [...new Set(v.stop)];
  }
  if (v["max-turns"] !== undefined) spec.max_turns = intFlag(command, "max-turns", v["max-turns"], 4, 1, 16);
  if (v["reference-loop"]) spec.reference_loop = true;
  return spec;
}

/** The protocol part of a spec from flags (what an experiment condition carries as `protocol`). */
export function protocolOf(spec: Partial<ScenarioSpecInput>): Pick<ScenarioSpecInput, "tier_values" | "literal_tier" | "prefill" | "stop" | "max_turns" | "reference_loop"> {
  const out: Pick<ScenarioSpecInput, "tier_values" | "literal_tier" | "prefill" | "stop" | "max_turns" | "reference_loop"> = {};
  for (const k of ["tier_values", "literal_tier", "prefill", "stop", "max_turns", "reference_loop"] as const) if (spec[k] !== undefined) (out as Record<string, unknown>)[k] = spec[k];
  return out;
}
