/**
 * The identity of a sample: one record per key, ever. A rerun of the same
 * command finds the key and skips it; the key also names the sample a
 * judgement belongs to.
 *
 * @example sampleKey({ experiment: "adhoc", condition: "baseline", model: "m", tier: "free", query_id: "q1", sample: 0 }) // "adhoc|baseline|m|free|q1|0"
 */
export function sampleKey(p: { experiment: string; condition: string; model: string; tier: string; query_id: string; sample: number }): string {
  return `${p.experiment}|${p.condition}|${p.model}|${p.tier}|${p.query_id}|${p.sample}`;
}
