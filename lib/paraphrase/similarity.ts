/**
 * Embedding-free similarity of a paraphrase to its source, recorded with
 * every paraphrase so a set can be read for how far its wordings drifted.
 */

function charNgrams(text: string, n: number): Map<string, number> {
  const s = [...text.replace(/\s+/g, "")];
  const out = new Map<string, number>();
  for (let i = 0; i + n <= s.length; i++) {
    const g = s.slice(i, i + n).join("");
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/**
 * chrF (Popović 2015): character n-gram F-score of a hypothesis against a
 * reference, on a 0–1 scale. For each order n = 1..maxOrder, n-grams of the
 * texts with whitespace removed are matched with clipped counts; precision
 * and recall are averaged over the orders both texts have, then combined as
 * F_β = (1 + β²)·P·R / (β²·P + R), recall weighted β = 2 times as much. This
 * is sacreBLEU's chrF with its defaults (char order 6, β 2, no word n-grams),
 * divided by 100. Identical texts give 1; texts sharing no character give 0.
 *
 * @example chrF("The relationship between Obama and Netanyahu is not exactly friendly.", "The ties between Obama and Netanyahu are not particularly friendly.") // ≈ 0.6158
 */
export function chrF(hypothesis: string, reference: string, maxOrder = 6, beta = 2): number {
  let p = 0;
  let r = 0;
  let orders = 0;
  for (let n = 1; n <= maxOrder; n++) {
    const h = charNgrams(hypothesis, n);
    const ref = charNgrams(reference, n);
    let nh = 0;
    let nr = 0;
    let match = 0;
    for (const c of h.values()) nh += c;
    for (const c of ref.values()) nr += c;
    if (nh === 0 || nr === 0) continue;
    for (const [g, c] of h) match += Math.min(c, ref.get(g) ?? 0);
    p += match / nh;
    r += match / nr;
    orders++;
  }
  if (orders === 0) return hypothesis.replace(/\s+/g, "") === reference.replace(/\s+/g, "") ? 1 : 0;
  p /= orders;
  r /= orders;
  const b2 = beta * beta;
  return p + r === 0 ? 0 : ((1 + b2) * p * r) / (b2 * p + r);
}

/** Lower-case word tokens (letters, digits, apostrophes inside words); tags and placeholders count as one token each. */
export function wordTokens(text: string): string[] {
  return (text.toLowerCase().match(/<\/?[a-z_][a-z0-9_-]*\s*\/?>|\{\{\s*[a-z_][a-z0-9_]*\s*\}\}|[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? []).map((t) => t.replace(/\s+/g, ""));
}

/**
 * Jaccard index of the two texts' sets of word tokens: |A ∩ B| / |A ∪ B|.
 * 1 for the same vocabulary, 0 for none shared (and 1 for two empty texts).
 *
 * @example tokenJaccard("the cat sat", "the cat ran") // 0.5
 */
export function tokenJaccard(a: string, b: string): number {
  const A = new Set(wordTokens(a));
  const B = new Set(wordTokens(b));
  if (A.size === 0 && B.size === 0) return 1;
  let inter = 0;
  for (const t of A) if (B.has(t)) inter++;
  return inter / (A.size + B.size - inter);
}

/**
 * Length of the paraphrase over the length of its source, in characters
 * (code points). NaN for an empty source.
 *
 * @example lengthRatio("abcd", "ab") // 2
 */
export function lengthRatio(paraphrase: string, source: string): number {
  const s = [...source].length;
  return s === 0 ? NaN : [...paraphrase].length / s;
}
