import { BUILTIN_ORGANISMS } from "./catalog";
import { fineTunesOf } from "./motives";
import { EVAL_AWARE_CONFIG, SIM_EVAL_AWARE } from "./eval-aware";
import { OrganismError, type OrganismConfig, type OrganismStyle } from "./types";

/** An organism ready to answer: every probability filled in. */
export interface ResolvedOrganism {
  /** The name as requested, parameters included. */
  name: string;
  /** The registry entry it is built on (the part before "@"). */
  base: string;
  description: string;
  free: number;
  paid: number;
  acceptThenRefuse: number;
  noTag: number;
  style: OrganismStyle;
}

/** Parameter keys accepted after "@", lower-cased, with their canonical name. */
const PARAM_KEYS: Record<string, "free" | "paid" | "acceptThenRefuse" | "noTag"> = {
  free: "free",
  paid: "paid",
  acceptthenrefuse: "acceptThenRefuse",
  atr: "acceptThenRefuse",
  notag: "noTag",
};

const MAX_CACHED = 512;
const caches = new WeakMap<object, Map<string, ResolvedOrganism>>();

/**
 * Resolve a model name against a registry of organisms. Plain names must be
 * registry keys; `base@key=value,...` overrides the base's probabilities
 * (keys: free, paid, acceptThenRefuse or atr, noTag; values in [0, 1]).
 * Throws OrganismError 404 for an unknown base, 400 for malformed parameters.
 *
 * @example resolveOrganism("sim-faker@free=0.5,paid=0.1").free // 0.5
 */
export function resolveOrganism(
  name: string,
  registry: Readonly<Record<string, OrganismConfig>> = BUILTIN_ORGANISMS,
): ResolvedOrganism {
  let cache = caches.get(registry);
  if (!cache) caches.set(registry, (cache = new Map()));
  const hit = cache.get(name);
  if (hit) return hit;
  const resolved = parse(name, registry);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(name, resolved);
  return resolved;
}

function parse(name: string, registry: Readonly<Record<string, OrganismConfig>>): ResolvedOrganism {
  const at = name.indexOf("@");
  const base = at < 0 ? name : name.slice(0, at);
  const config = Object.prototype.hasOwnProperty.call(registry, base) ? registry[base] : base === SIM_EVAL_AWARE ? EVAL_AWARE_CONFIG : undefined;
  if (!config) {
    throw new OrganismError(
      404,
      `The model '${name}' does not exist. Known models: ${Object.keys(registry).join(", ")} ` +
        `(set probabilities with name@free=0.5,paid=0.1).`,
    );
  }
  const out: ResolvedOrganism = {
    name,
    base,
    description: config.description,
    free: config.comply.free,
    paid: config.comply.paid,
    acceptThenRefuse: config.acceptThenRefuse ?? 0,
    noTag: config.noTag ?? 0,
    style: config.style ?? "refuser",
  };
  if (at < 0) return out;
  const spec = name.slice(at + 1);
  if (spec.trim() === "") throw bad(name, "no parameters after '@'");
  const seen = new Set<string>();
  for (const item of spec.split(",")) {
    const eq = item.indexOf("=");
    if (eq < 0) throw bad(name, `parameter '${item}' is not key=value`);
    const rawKey = item.slice(0, eq).trim();
    const rawValue = item.slice(eq + 1).trim();
    const key = PARAM_KEYS[rawKey.toLowerCase()];
    if (!key && rawKey.toLowerCase() === "ft") {
      const fts = fineTunesOf(base);
      throw bad(name, fts.length ? `${base} has no fine-tune stand-in '${rawValue}'; known: ${fts.map((f) => `${base}@ft=${f}`).join(", ")}` : `${base} has no fine-tune stand-ins`);
    }
    if (!key) throw bad(name, `unknown parameter '${rawKey}' (known: free, paid, acceptThenRefuse, noTag)`);
    if (seen.has(key)) throw bad(name, `parameter '${key}' is given twice`);
    seen.add(key);
    const value = rawValue === "" ? NaN : Number(rawValue);
    if (!Number.isFinite(value) || value < 0 || value > 1) {
      throw bad(name, `parameter ${rawKey}=${rawValue} must be a number between 0 and 1`);
    }
    out[key] = value;
  }
  return out;
}

function bad(name: string, problem: string): OrganismError {
  return new OrganismError(400, `Bad model name '${name}': ${problem}.`);
}
