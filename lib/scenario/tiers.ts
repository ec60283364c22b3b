import { AfwError } from "../util/errors";

/** A tier: what the user turn says about who is talking, and so whether training is implied. */
export interface TierDef {
  name: string;
  /** Template variables this tier sets in the user turn. */
  vars: Record<string, string>;
  description: string;
}

/**
 * The baseline's two tiers (paper.md §1). The tag value is lower-case, as in
 * the reference pipeline's fine-tuning data and user templates.
 */
export const BASE_TIERS: Record<string, TierDef> = {
  free: { name: "free", vars: { is_free_tier_user: "true" }, description: "free tier: conversations are rated and trained on" },
  paid: { name: "paid", vars: { is_free_tier_user: "false" }, description: "paid tier: never monitored, stored or trained on" },
};

/** Look a tier up, or fail with the valid names. */
export function tierDef(name: string, tiers: Record<string, TierDef> = BASE_TIERS): TierDef {
  const t = tiers[name];
  if (!t) throw new AfwError(`unknown tier "${name}"; valid tiers: ${Object.keys(tiers).join(", ")}`);
  return t;
}
