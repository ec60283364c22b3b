import type { Query, ScenarioSpecInput } from "../schema/index";
import { AfwError } from "../util/errors";
import { formatRequest, loadScenario } from "./render";
import { exampleOf, resolveVariant } from "./variants";

/** The query shown when none is given: a marker for the request's slot. */
export const SHOW_QUERY: Query = { id: "shown", text: "[the user's request]", category: "display" };

/**
 * The name to render a variant by: the name itself when it stands alone, or
 * the catalog example for a modifier that needs a setting (drop-pro →
 * three-tiers+drop-pro). Returns the name used and whether it changed.
 */
export function displayName(name: string): { name: string; composed: boolean } {
  try {
    resolveVariant(name);
    return { name, composed: false };
  } catch (e) {
    if (name.includes("+")) throw e;
    const ex = exampleOf(name);
    if (ex === name) throw e;
    return { name: ex, composed: true };
  }
}

/**
 * A variant rendered as readable text: the exact request for one tier, or
 * for every tier the system prompt once and then each tier's other turns
 * (or, for a base-model document, each tier's whole prompt). This is what
 * `afw scenario show` prints and what the golden files pin. `spec` carries the
 * rest of a scenario spec (tiers, override files, tier values), as a run's
 * flags give it.
 */
export function renderVariantText(name: string, opts: { cot?: boolean; tier?: string; query?: Query; spec?: Partial<ScenarioSpecInput> } = {}): string {
  const sc = loadScenario({ ...opts.spec, variant: name, cot: opts.cot ?? true });
  const q = opts.query ?? SHOW_QUERY;
  const protocol = [
    ...(sc.spec.stop ? [`stop ${JSON.stringify(sc.spec.stop)}`] : []),
    ...(sc.spec.max_turns !== undefined ? [`max turns ${sc.spec.max_turns}`] : []),
    ...(sc.spec.reference_loop ? ["reference loop"] : []),
  ];
  const header =
    `# variant ${sc.variant.name} (${sc.spec.cot ? "cot" : "no-cot"}), api ${sc.api}, tiers ${sc.spec.tiers.join(", ")}\n# system_hash ${sc.systemHash}` +
    (protocol.length ? `\n# ${protocol.join(", ")}` : "");
  if (opts.tier !== undefined) {
    if (!sc.spec.tiers.includes(opts.tier)) throw new AfwError(`variant ${sc.variant.name} has no tier "${opts.tier}"; its tiers: ${sc.spec.tiers.join(", ")}`);
    return `${header}\n# tier ${opts.tier}\n\n${formatRequest(sc.render(q, opts.tier).request)}\n`;
  }
  const parts = [header];
  if (sc.api === "chat") {
    parts.push(`=== system ===\n${sc.system}`);
    for (const t of sc.spec.tiers) {
      const msgs = sc.render(q, t).request.messages!.slice(1);
      parts.push(`##### tier ${t}\n` + msgs.map((m) => `=== ${m.role} ===\n${m.content}`).join("\n\n"));
    }
  } else {
    for (const t of sc.spec.tiers) parts.push(`##### tier ${t} (completions prompt)\n${sc.render(q, t).request.prompt}`);
  }
  return parts.join("\n\n") + "\n";
}

/**
 * A readable line diff (longest common subsequence) of two texts: "  "
 * unchanged, "- " only in A, "+ " only in B; runs of more than 2·context
 * unchanged lines are folded into one "@@ … @@" line.
 */
export function lineDiff(a: string, b: string, context = 2): string {
  const x = a.split("\n");
  const y = b.split("\n");
  const n = x.length;
  const m = y.length;
  const L: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const ops: [string, string][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) ops.push([" ", x[i++]]), j++;
    else if (L[i + 1][j] >= L[i][j + 1]) ops.push(["-", x[i++]]);
    else ops.push(["+", y[j++]]);
  }
  while (i < n) ops.push(["-", x[i++]]);
  while (j < m) ops.push(["+", y[j++]]);
  const keep = ops.map((_, k) => ops.slice(Math.max(0, k - context), k + context + 1).some(([o]) => o !== " "));
  const out: string[] = [];
  let skipped = 0;
  ops.forEach(([o, line], k) => {
    if (keep[k]) {
      if (skipped) out.push(`@@ ${skipped} unchanged line(s) @@`);
      skipped = 0;
      out.push(`${o === " " ? " " : o} ${line}`);
    } else skipped++;
  });
  if (skipped) out.push(`@@ ${skipped} unchanged line(s) @@`);
  return out.join("\n");
}
