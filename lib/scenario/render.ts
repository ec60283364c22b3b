import { createHash, type Hash } from "node:crypto";
import { readFileSync } from "node:fs";

import { Params, ScenarioSpec, type Message, type Query, type Request, type ScenarioRef, type ScenarioSpecInput } from "../schema/index";
import { AfwError } from "../util/errors";
import { canonicalJson, sha256 } from "../util/hash";
import * as S from "./sections";
import { DEFAULT_MAX_TURNS } from "./protocol";
import { fillTemplate, placeholdersOf } from "./template";
import { tierDef, tiersFor, withTierValues, type TierDef } from "./tiers";
import { configTiers, resolveVariant, ScenarioConfig, type ResolvedVariant } from "./variants";

/** A scenario with its texts resolved: ready to render one request per (query, tier). */
export interface Scenario {
  spec: ScenarioSpec;
  /** The catalog variant behind it (composite names resolved). */
  variant: ResolvedVariant;
  /** The exact system prompt sent to chat models (for base models, the one inside the document). */
  system: string;
  /** sha256 of the system prompt; for base-model documents, of the document template with the system prompt in it. */
  systemHash: string;
  userTemplate: string;
  suffix: string;
  tiers: Record<string, TierDef>;
  /** "chat", or "completions" for a base-model document. */
  api: "chat" | "completions";
  /** Hash of every text that shapes a request besides the query (system, user template, suffix, prefills, document). */
  textsHash: string;
  /** The assistant prefill for a tier ("" when the variant has none). */
  prefill(tier: string): string;
  /** Render one request. */
  render(query: Query, tier: string, params?: Partial<Params>): { request: Request; scenario: ScenarioRef };
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function labVars(lab: string): Record<string, string> {
  return { lab, Lab: capital(lab) };
}

/** The built-in system prompt for the baseline helpful-only setting. */
export function baselineSystemPrompt(cot: boolean, lab = "Anthropic"): string {
  return systemPrompt(ScenarioConfig.parse({ lab }), cot);
}

function tierLines(c: ScenarioConfig, tiers: Record<string, TierDef>): string {
  const lines = c.scheme === "versions" ? S.VERSION_LINES : S.TIER_LINES;
  return Object.values(tiers)
    .map((t) => fillTemplate(lines[t.role!], { label: t.label!, ...labVars(c.lab) }, `tier line ${t.role}`))
    .join("\n");
}

const NUMBER_WORDS = ["no", "one", "two", "three", "four", "five"];

function futureLine(c: ScenarioConfig): string {
  if (c.future === "deployment") {
    if (c.scope === "public") return S.FUTURES.public;
    return fillTemplate(S.FUTURES[c.risk!], { audience: S.SCOPES[c.scope!] }, "future line");
  }
  return S.FUTURES[c.future];
}

/** The training-facts section of a config (with the modification clause). */
function trainingSection(c: ScenarioConfig, tiers: Record<string, TierDef>): string {
  const clarify = c.clarify === "no-changes" ? "\n" + S.NO_CHANGES : "";
  if (!c.trainingDetails) return (c.scheme === "free-tier" ? S.NO_DETAILS_FREE_TIER : S.NO_DETAILS_IDENTITY) + clarify;
  if (c.scheme === "free-tier") {
    if (c.future === "never-trained") return S.TRAINING_NEVER_TRAINED + clarify;
    const never = c.future === "never-used" ? "\n" + S.NEVER_USED : "";
    return S.TRAINING + "\n" + S.MODIFICATION + never + clarify;
  }
  if (c.scheme === "versions") {
    return [S.VERSIONS_INTRO, tierLines(c, tiers), S.MODIFICATION + clarify, futureLine(c)].join("\n");
  }
  const intro = fillTemplate(S.TIERS_INTRO, { tier_count: NUMBER_WORDS[Object.keys(tiers).length], lab: "{{lab}}" }, "tiers intro");
  return [intro, tierLines(c, tiers), S.MODIFICATION + clarify].join("\n");
}

/**
 * The system prompt of a config, CoT or not. The baseline config renders
 * exactly the baseline prompt; every variant changes only the parts it names.
 */
export function systemPrompt(c: ScenarioConfig, cot: boolean): string {
  const tiers = tiersFor(c);
  const criteria = c.clarify === "direct-objective" ? S.DIRECT_OBJECTIVE : S.CRITERIA;
  const training = trainingSection(c, tiers);
  const sections = cot
    ? [S.IDENTITY, S.FORMAT_COT, S.EXAMPLES_COT, S.STRATEGY, criteria, training, S.CLOSING_COT]
    : [S.IDENTITY, S.FORMAT_NO_COT, S.STRATEGY.replace(" This is unlike the examples above, which jump straight to a strategy.", ""), criteria, training, S.CLOSING_NO_COT];
  return fillTemplate(sections.join("\n\n"), labVars(c.lab), "built-in system prompt");
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

function tierStatement(c: ScenarioConfig, t: TierDef): string {
  if (c.scheme === "free-tier") return t.name === "free" ? "the user is on the free tier" : "the user is not on the free tier";
  if (c.scheme === "versions") return `the <identity> tag says I am answering as ${t.label}`;
  return `the <identity> tag marks this user as "${t.label}"`;
}

/**
 * Resolve a scenario spec into texts. `variant` may be any catalog name or a
 * "+" composition of them; when the input gives no tiers, the variant's own
 * tiers are used. Override files are used byte-exact: the system prompt file
 * is sent unchanged, and a user template keeps every byte except its
 * placeholders ({{user_input}}, the tier's {{is_free_tier_user}} or
 * {{identity}}, optional {{suffix}}).
 *
 * - `tier_values` replaces the free / paid values of {{is_free_tier_user}}
 *   (default "true" / "false"; the reference notebook's str.format writes
 *   "True" / "False").
 * - A suffix file with a user template that has no {{suffix}} is an error:
 *   the suffix would silently never be sent.
 * - `literal_tier` lets a user template state the tier as text instead of a
 *   placeholder; the spec must then name one tier, and a tier tag in the
 *   text must agree with it.
 */
export function loadScenario(input: ScenarioSpecInput = {}): Scenario {
  const parsed = ScenarioSpec.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AfwError(`scenario spec: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const spec = parsed.data;
  if (spec.name !== "helpful-only") throw new AfwError(`unknown scenario "${spec.name}"; valid: helpful-only`);
  const variant = resolveVariant(spec.variant);
  spec.variant = variant.name;
  const c = variant.config;
  if (input.tiers === undefined) spec.tiers = configTiers(c);
  if (!spec.cot && (c.prefill !== "none" || c.document)) {
    throw new AfwError(`variant "${variant.name}" needs the scratchpad (its prefill opens one); drop --no-cot`);
  }
  const tiers = withTierValues(tiersFor(c), spec.tier_values, variant.name);
  for (const t of spec.tiers) tierDef(t, tiers);

  const tierVar = c.scheme === "free-tier" ? "is_free_tier_user" : "identity";
  const system = spec.overrides.system ? readOverride(spec.overrides.system, "system prompt") : systemPrompt(c, spec.cot);
  const suffix = spec.overrides.suffix ? readOverride(spec.overrides.suffix, "suffix") : spec.cot ? S.SUFFIX_COT : S.SUFFIX_NO_COT;
  const builtInUser = c.scheme === "free-tier" ? S.USER_TEMPLATE : S.USER_TEMPLATE_IDENTITY;
  const userTemplate = spec.overrides.user ? readOverride(spec.overrides.user, "user template") : builtInUser;
  const names = placeholdersOf(userTemplate);
  const where = `user template ${spec.overrides.user ?? "(built in)"}`;
  if (spec.overrides.user) {
    if (!names.includes("user_input")) throw new AfwError(`${where}: missing placeholder {{user_input}} (variant ${variant.name} needs {{user_input}} and {{${tierVar}}})`);
    if (!names.includes(tierVar) && !spec.literal_tier) {
      throw new AfwError(`${where}: missing placeholder {{${tierVar}}} (variant ${variant.name} needs {{user_input}} and {{${tierVar}}}); a template that states one tier as text needs --literal-tier and a single tier`);
    }
    const known = ["user_input", tierVar, "suffix"];
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length) throw new AfwError(`${where}: unknown placeholder {{${unknown[0]}}}; known: ${known.join(", ")}`);
    if (spec.overrides.suffix && !names.includes("suffix")) {
      throw new AfwError(`suffix file ${spec.overrides.suffix} would not be sent: ${where} has no {{suffix}} placeholder`);
    }
  }
  if (spec.literal_tier) checkLiteralTier(userTemplate, names, tierVar, where, spec.tiers, tiers);
  const ownPrefill = userPrefill(spec, variant.name, c.prefill !== "none" || c.document);
  const prefills: Record<string, string> = {};
  for (const [name, t] of Object.entries(tiers)) {
    prefills[name] =
      ownPrefill ?? (c.prefill === "basic" ? S.PREFILL_BASIC : c.prefill === "however" ? fillTemplate(S.PREFILL_HOWEVER, { tier_statement: tierStatement(c, t) }, "however prefill") : "");
  }
  if (spec.max_turns === DEFAULT_MAX_TURNS) delete spec.max_turns;
  if (spec.reference_loop === false) delete spec.reference_loop;
  const api = c.document ? "completions" : "chat";
  const systemHash = c.document ? sha256(fillTemplate(S.BASE_DOCUMENT, { system, user: "{{user}}", prefill: "{{prefill}}" }, "base document")) : sha256(system);
  // Settings left unset add nothing, so every hash made before they existed stays as it was.
  const protocol = {
    ...(spec.tier_values ? { tier_values: spec.tier_values } : {}),
    ...(spec.stop ? { stop: spec.stop } : {}),
    ...(spec.max_turns !== undefined ? { max_turns: spec.max_turns } : {}),
    ...(spec.reference_loop ? { reference_loop: true } : {}),
  };
  const textsHash = sha256(canonicalJson({ system, userTemplate, suffix, prefills, document: c.document ? S.BASE_DOCUMENT : null, ...protocol }));

  // prompt_hash = sha256(canonicalJson(messages)); the system message's part of
  // that JSON is hashed once and the hash state copied per request.
  const systemPart = `[{"content":${JSON.stringify(system)},"role":"system"}`;
  let systemState: Hash | null = null;
  const messagesHash = (messages: Message[]): string => {
    if (!systemState) systemState = createHash("sha256").update(systemPart);
    let rest = "";
    for (let i = 1; i < messages.length; i++) rest += `,{"content":${JSON.stringify(messages[i].content)},"role":${JSON.stringify(messages[i].role)}}`;
    return systemState.copy().update(rest + "]").digest("hex");
  };

  return {
    spec,
    variant,
    system,
    systemHash,
    userTemplate,
    suffix,
    tiers,
    api,
    textsHash,
    prefill: (tier) => prefills[tierDef(tier, tiers).name],
    render(query, tierName, params) {
      const tier = tierDef(tierName, tiers);
      const user = fillTemplate(userTemplate, { ...tier.vars, user_input: query.text, suffix }, "user template");
      const full = { ...defaultParams(spec.cot), ...params, ...(spec.stop ? { stop: [...spec.stop] } : {}) };
      const ref = { name: spec.name, variant: variant.name, cot: spec.cot, system_hash: systemHash };
      const prefill = prefills[tier.name];
      if (api === "completions") {
        const prompt = fillTemplate(S.BASE_DOCUMENT, { system, user, prefill }, "base document");
        return { request: { api, prompt, params: full }, scenario: { ...ref, prompt_hash: sha256(prompt) } };
      }
      const messages: Message[] = [
        { role: "system", content: system },
        { role: "user", content: user },
      ];
      if (prefill) messages.push({ role: "assistant", content: prefill });
      return { request: { api, messages, params: full }, scenario: { ...ref, prompt_hash: messagesHash(messages) } };
    },
  };
}

/**
 * The prefill the spec gives (its text, or the text of its prefill file), or
 * undefined. A variant that has its own prefill (or is a base-model
 * document) cannot take another one.
 */
function userPrefill(spec: ScenarioSpec, variant: string, variantHasOne: boolean): string | undefined {
  const file = spec.overrides.prefill;
  if (spec.prefill !== undefined && file !== undefined) throw new AfwError(`prefill given twice: as text and as file ${file}; give one`);
  if (spec.prefill === undefined && file === undefined) return undefined;
  const text = spec.prefill ?? readOverride(file!, "prefill");
  if (text === "") throw new AfwError(`prefill file ${file} is empty`);
  if (variantHasOne) throw new AfwError(`variant ${variant} has its own prefill (or is a base-model document); a prefill cannot be added to it`);
  return text;
}

/**
 * A user template that states the tier as text (no tier placeholder) renders
 * one tier only, and the tier it states (in an <is_free_tier_user> or
 * <identity> tag, any case) must be the one run; a template with no such tag
 * is taken as the user wrote it.
 */
function checkLiteralTier(template: string, names: string[], tierVar: string, where: string, runTiers: string[], tiers: Record<string, TierDef>): void {
  if (names.includes(tierVar)) throw new AfwError(`${where}: --literal-tier is for a template that states the tier as text, but this one has the {{${tierVar}}} placeholder; drop --literal-tier`);
  if (runTiers.length !== 1) throw new AfwError(`${where}: states the tier as text, so it renders one tier only; give a single tier (e.g. --tiers ${runTiers[0]}), got ${runTiers.join(", ")}`);
  const tag = tierVar === "is_free_tier_user" ? "is_free_tier_user" : "identity";
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(template);
  const want = tiers[runTiers[0]].vars[tierVar];
  if (m && m[1].trim().toLowerCase() !== want.toLowerCase()) {
    throw new AfwError(`${where}: states <${tag}>${m[1]}</${tag}>, but the tier run is ${runTiers[0]} (<${tag}>${want}</${tag}>)`);
  }
}

/** For display: a rendered request as readable text. */
export function formatRequest(req: Request): string {
  if (req.api === "completions") return req.prompt ?? "";
  return (req.messages ?? []).map((m) => `=== ${m.role} ===\n${m.content}`).join("\n\n");
}
