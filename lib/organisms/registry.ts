import { z } from "zod";
import { AfwError } from "../util/errors";
import { BUILTIN_ORGANISMS } from "./catalog";
import type { OrganismConfig } from "./types";

const Probability = z.number().min(0).max(1);

/** The shape of an organism definition, for checking user-supplied ones. */
export const OrganismConfigSchema = z.strictObject({
  description: z.string(),
  comply: z.strictObject({ free: Probability, paid: Probability }),
  acceptThenRefuse: Probability.optional(),
  noTag: Probability.optional(),
  style: z.enum(["faker", "refuser", "sycophant"]).optional(),
});

/**
 * The built-in organisms plus extra (or overriding) definitions, each
 * checked. Names may not contain "@" or "," (those start model parameters).
 * Throws AfwError naming the first bad definition.
 */
export function makeRegistry(extra?: Record<string, OrganismConfig>): Readonly<Record<string, OrganismConfig>> {
  if (!extra || Object.keys(extra).length === 0) return BUILTIN_ORGANISMS;
  const out: Record<string, OrganismConfig> = { ...BUILTIN_ORGANISMS };
  for (const [name, config] of Object.entries(extra)) {
    if (!name || /[@,\s]/.test(name)) throw new AfwError(`organism name '${name}' must be non-empty without '@', ',' or spaces`);
    const r = OrganismConfigSchema.safeParse(config);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new AfwError(`organism '${name}': ${issue.path.join(".") || "definition"}: ${issue.message}`);
    }
    out[name] = r.data;
  }
  return Object.freeze(out);
}
