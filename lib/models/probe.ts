/**
 * Probe before you pay: a handful of tiny requests (16 tokens each, 512
 * for reasoning models, which think before they write) that
 * find out what an endpoint actually does, against what its profile
 * assumes: the token-limit parameter, whether temperature 0 is accepted,
 * whether `n` gives several choices, whether (and how) an assistant prefill
 * is continued, where hidden reasoning comes back, and the shape of its
 * error bodies. The result can be saved as a profile file a run loads
 * (`--provider-file`).
 *
 * The prefill test asks for the Greek letters alpha to delta with the
 * prefill "alpha beta": a reply that starts with "gamma" continued it; one
 * that contains "alpha" started a new turn.
 */
import type { Request, ReasoningSource } from "../schema/index";
import { classifyHttpError, readErrorBody, type ErrorBody } from "./errors";
import { modelTraits } from "./model-rules";
import { parseAnthropicBody, parseOpenAIBody, type ProviderReply } from "./parse";
import { buildAnthropicBody, buildOpenAIBody } from "./plan";
import type { ErrorShape, PrefillMode, ProviderProfile, TokenParam } from "./providers";
import { oneLine, redact } from "./redact";
import { Spend } from "./spend";
import { createAgents, postJson } from "./transport";

/** Options of probeEndpoint. */
export interface ProbeOptions {
  baseURL: string;
  apiKey: string;
  model: string;
  profile: ProviderProfile;
  timeoutMs?: number;
  anthropicVersion?: string;
  /** YYYY-MM-DD stamped on a saved profile. */
  today?: string;
  /** A router's upstream pin (OpenRouter's provider.order, no fallbacks), sent with every probe request and kept in the saved profile. */
  providerOrder?: readonly string[] | null;
}

/** One feature: what the profile says, what the endpoint did. */
export interface ProbeFinding {
  feature: "token limit" | "temperature 0" | "n" | "prefill" | "reasoning" | "error body";
  expected: string;
  observed: string;
  /**
   * ok: as the profile and the model rules predict (a refusal a rule predicts included);
   * differs: not as they predict; learnt: the profile did not know; unknown: nothing to tell.
   */
  verdict: "ok" | "differs" | "learnt" | "unknown";
}

/** What a probe found. */
export interface ProbeReport {
  provider: string;
  model: string;
  /** The response's `model` of the first reply. */
  snapshot: string | null;
  /** The upstream a router says served the first reply (OpenRouter's `provider`), or null. */
  upstream: string | null;
  /** The upstream pin sent with every request, or null. */
  providerOrder: string[] | null;
  findings: ProbeFinding[];
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  usd: number | null;
  price_source: string | null;
  /** Set when the endpoint refused the probe itself (bad key, unknown model, no credit): nothing else was learnt. */
  fatal: string | null;
  /** The observed profile, ready to save as a --provider-file. */
  profile: Record<string, unknown>;
}

const GREEK = "Write the Greek letters alpha to delta, separated by spaces.";
const MISSING = "afw-probe-no-such-model";

/** One probe request's result (a flat shape: tslab compiles without strictNullChecks, where a union on `ok` does not narrow). */
interface Outcome {
  ok: boolean;
  reply: ProviderReply | null;
  status: number | null;
  body: ErrorBody | null;
  line: string;
  /** The status and the provider's own message, without the advice meant for a run ("" when answered). */
  said: string;
  fatal: boolean;
}

/**
 * Probe an endpoint.
 * @example const report = await probeEndpoint({ baseURL, apiKey, model: "claude-haiku-4-5", profile: getProfile("anthropic") });
 */
export async function probeEndpoint(o: ProbeOptions): Promise<ProbeReport> {
  const p = o.profile;
  const base = o.baseURL.replace(/\/+$/, "");
  const agents = createAgents(2);
  const traits = modelTraits(p.name, o.model);
  const providerOrder = o.providerOrder && o.providerOrder.length && p.pinnable ? [...o.providerOrder] : null;
  const openaiBody = (profile: ProviderProfile, r: Request, dropTemperature: boolean) => buildOpenAIBody(profile, traits, o.model, r, { dropTemperature, providerOrder });
  const spend = new Spend();
  let requests = 0;
  const timeoutMs = o.timeoutMs ?? 60_000;

  const send = async (model: string, body: Record<string, unknown>, api: "chat" = "chat"): Promise<Outcome> => {
    requests++;
    const url = p.wire === "anthropic" ? `${base}/messages` : `${base}/${api === "chat" ? "chat/completions" : "completions"}`;
    const headers: Record<string, string> =
      p.wire === "anthropic" ? { "x-api-key": o.apiKey, "anthropic-version": o.anthropicVersion ?? "2023-06-01" } : { authorization: `Bearer ${o.apiKey}` };
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    try {
      const raw = await postJson(url, headers, { ...body, model }, ac.signal, agents);
      if (raw.status >= 200 && raw.status < 300) {
        try {
          const data = JSON.parse(raw.text);
          const reply = p.wire === "anthropic" ? parseAnthropicBody(data) : parseOpenAIBody("chat", data, { thinkClosingOnly: traits.thinkTag });
          spend.add(model, p.name, { cached: false, usage: reply.usage });
          return { ok: true, reply, status: raw.status, body: null, line: "", said: "", fatal: false };
        } catch (e) {
          const line = redact(oneLine((e as Error).message), o.apiKey);
          return { ok: false, reply: null, status: raw.status, body: null, line, said: line, fatal: false };
        }
      }
      const eb = readErrorBody(raw.text);
      const cls = classifyHttpError(raw.status, eb, p.name);
      const said = redact(`${raw.status} ${oneLine(eb.message || "(no message)", 200)}`, o.apiKey);
      return { ok: false, reply: null, status: raw.status, body: eb, line: redact(cls.reason, o.apiKey), said, fatal: cls.kind === "fatal" && cls.fatal !== "refused" };
    } catch (e) {
      const line = redact(oneLine(ac.signal.aborted ? `timeout after ${timeoutMs} ms` : `connection error: ${(e as Error).message}`), o.apiKey);
      return { ok: false, reply: null, status: null, body: null, line, said: line, fatal: true };
    } finally {
      clearTimeout(timer);
    }
  };

  // Reasoning models spend their budget thinking before they write: give them room for a visible answer.
  const budget = traits.reasoningEffort || traits.thinkTag ? 512 : 16;
  const req = (messages: Request["messages"], extra: Partial<Request["params"]> = {}): Request => ({ api: "chat", messages, params: { temperature: 1, max_tokens: budget, ...extra } as Request["params"] });
  const greek = (extra: Partial<Request["params"]> = {}) => req([{ role: "user", content: GREEK }], extra);
  const body = (r: Request, tokenParam?: TokenParam, dropTemperature = traits.temperature === "default-only" || traits.temperature === "none"): Record<string, unknown> => {
    if (p.wire === "anthropic") return buildAnthropicBody(o.model, r, { dropTemperature, promptCache: false });
    const b = openaiBody(p, r, dropTemperature);
    if (tokenParam) {
      delete b.max_tokens;
      delete b.max_completion_tokens;
      b[tokenParam] = budget;
    }
    return b;
  };

  const findings: ProbeFinding[] = [];
  let upstreamSeen: string | null = null;
  const report = (fatal: string | null, snapshot: string | null, saved: Record<string, unknown>): ProbeReport => {
    const row = spend.rows()[0];
    return {
      provider: p.name,
      model: o.model,
      snapshot,
      upstream: upstreamSeen,
      providerOrder,
      findings,
      requests,
      prompt_tokens: row?.prompt_tokens ?? 0,
      completion_tokens: row?.completion_tokens ?? 0,
      usd: row ? row.usd : 0,
      price_source: row ? row.price_source : null,
      fatal,
      profile: saved,
    };
  };

  // 1. A plain request: does the endpoint answer at all, and where does reasoning come back?
  const first = await send(o.model, body(greek()));
  if (!first.ok && first.fatal) return report(first.line, null, {});
  const snapshot = first.reply?.model_snapshot ?? null;
  const upstream = first.reply?.upstream_provider ?? null;
  upstreamSeen = upstream;

  // A prediction the model rules make (rather than the profile) is marked so in the "expected" column.
  const byRule = (x: string) => `${x} (model rule)`;

  // 2. Token-limit parameter (OpenAI-shaped APIs only: the Messages API has max_tokens).
  let tokenParam: TokenParam = p.tokenParam;
  if (p.wire === "openai") {
    const expected = traits.tokenParam ?? p.tokenParam;
    // The rules' max_completion_tokens models refuse max_tokens (see MODEL_RULES).
    const ruleRefusesMaxTokens = traits.tokenParam === "max_completion_tokens";
    const mt = await send(o.model, body(greek(), "max_tokens"));
    const mct = !mt.ok || expected !== "max_tokens" ? await send(o.model, body(greek(), "max_completion_tokens")) : null;
    let observed: string;
    if (mt.ok && !mct) observed = "max_tokens accepted";
    else if (mt.ok && mct!.ok) observed = "both accepted";
    else if (mt.ok) observed = `max_tokens only (max_completion_tokens refused: ${mct!.said})`;
    else if (mct!.ok) observed = `max_completion_tokens only (max_tokens refused${ruleRefusesMaxTokens ? ", as the model rule says" : ""}: ${mt.said})`;
    else observed = `neither accepted (max_tokens: ${mt.said}; max_completion_tokens: ${mct!.said})`;
    const accepted = (q: TokenParam) => (q === "max_tokens" ? mt.ok : !!mct && mct.ok);
    tokenParam = accepted(expected) ? expected : mt.ok ? "max_tokens" : mct!.ok ? "max_completion_tokens" : p.tokenParam;
    findings.push({ feature: "token limit", expected: traits.tokenParam ? byRule(expected) : expected, observed, verdict: accepted(expected) ? "ok" : "differs" });
  } else {
    findings.push({ feature: "token limit", expected: "max_tokens", observed: first.ok ? "max_tokens accepted" : `request failed: ${first.line}`, verdict: first.ok ? "ok" : "unknown" });
  }

  // 3. Temperature 0.
  const t0 = await send(o.model, body(greek({ temperature: 0 }), undefined, false));
  const t0ok = t0.ok;
  const ruleRejectsT = traits.temperature === "default-only" || traits.temperature === "none";
  const expectT = ruleRejectsT || !p.temperature.allowed ? "rejected" : "accepted";
  const expectTText = ruleRejectsT ? byRule("rejected") : traits.temperature === "ignored" ? byRule("accepted, without effect") : expectT;
  findings.push({
    feature: "temperature 0",
    expected: expectTText,
    observed: t0.ok ? "accepted" : `rejected${ruleRejectsT ? ", as the model rule says" : ""} (${t0.said})`,
    verdict: (t0.ok ? "accepted" : "rejected") === expectT ? "ok" : "differs",
  });

  // 4. n = 2.
  let maxN: number | null = p.maxN;
  if (p.wire === "anthropic") {
    findings.push({ feature: "n", expected: "1", observed: "the Messages API has no n: one request per vote", verdict: "ok" });
  } else {
    const n2 = await send(o.model, body(greek({ n: 2 })));
    const got = n2.reply ? n2.reply.choices.length : 0;
    const observed = n2.ok ? `n=2 gave ${got} choice${got === 1 ? "" : "s"}` : `rejected (${n2.said})`;
    const works = n2.ok && got >= 2;
    if (!works) maxN = 1;
    const expected = p.maxN === null ? "unknown" : String(p.maxN);
    findings.push({ feature: "n", expected, observed, verdict: p.maxN === null ? "learnt" : (p.maxN >= 2) === works ? "ok" : "differs" });
  }

  // 5. Prefill continuation.
  const pre = req([
    { role: "user", content: GREEK },
    { role: "assistant", content: "alpha beta" },
  ]);
  // A reply that repeats the prefill cannot be told from a new turn, so only a reply that starts after it counts as continued.
  const verdictOf = (r: Outcome): "continued" | "new turn" | "unclear" | "rejected" => {
    if (!r.ok || !r.reply) return "rejected";
    const t = (r.reply.choices[0]?.text ?? "").trim().toLowerCase();
    if (t.startsWith("gamma")) return "continued";
    if (t.includes("alpha")) return "new turn";
    return "unclear";
  };
  let prefill: PrefillMode = "none";
  let prefillObserved: string;
  const plainBody = p.wire === "anthropic" ? buildAnthropicBody(o.model, pre, { promptCache: false, dropTemperature: traits.temperature !== "any" }) : openaiBody({ ...p, prefill: "trailing-assistant" }, pre, traits.temperature !== "any");
  const plain = await send(o.model, plainBody);
  const pv = verdictOf(plain);
  if (pv === "continued") {
    prefill = "trailing-assistant";
    prefillObserved = "continued as a trailing assistant turn";
  } else if (p.wire === "openai") {
    const cfm = await send(o.model, openaiBody({ ...p, prefill: "continue-final-message" }, pre, traits.temperature !== "any"));
    if (verdictOf(cfm) === "continued") {
      prefill = "continue-final-message";
      prefillObserved = "continued with continue_final_message";
    } else {
      const px = await send(o.model, openaiBody({ ...p, prefill: "prefix" }, pre, traits.temperature !== "any"));
      if (verdictOf(px) === "continued") {
        prefill = "prefix";
        prefillObserved = "continued with prefix: true";
      } else prefillObserved = `not continued (trailing turn: ${plain.ok ? pv : plain.said})`;
    }
  } else {
    prefillObserved = `not continued (${plain.ok ? pv : plain.said})`;
  }
  // A model the rules say refuses prefills (Claude 4.6+) predicts "not continued" whatever the provider
  // does; its refusal says nothing about the provider's mode, so the profile's mode is kept.
  const ruleRefusesPrefill = !traits.prefill;
  let prefillVerdict: ProbeFinding["verdict"];
  if (ruleRefusesPrefill) {
    prefillVerdict = prefill === "none" ? "ok" : "differs";
    if (prefill === "none") {
      if (!plain.ok) prefillObserved = `refused, as the model rule says (${plain.said})`;
      prefill = p.prefill;
    }
  } else prefillVerdict = p.prefill === "unverified" ? "learnt" : p.prefill === prefill ? "ok" : "differs";
  findings.push({ feature: "prefill", expected: ruleRefusesPrefill ? byRule("refused") : p.prefill, observed: prefillObserved, verdict: prefillVerdict });

  // 6. Reasoning: where it came back in the replies seen.
  const sources = new Set<ReasoningSource>();
  for (const r of [first, plain]) {
    const reasoning = r.reply?.choices[0]?.reasoning;
    if (reasoning) sources.add(reasoning.source);
  }
  const seen = [...sources];
  findings.push({
    feature: "reasoning",
    expected: p.reasoning.length ? p.reasoning.join(", ") : "none returned",
    observed: seen.length ? seen.join(", ") : "none returned (the model may not reason, or the provider hides it)",
    verdict: seen.length === 0 ? "unknown" : seen.every((s) => p.reasoning.includes(s)) ? "ok" : "differs",
  });

  // 7. Error body shape: ask for a model that does not exist.
  const miss = await send(MISSING, body(greek()));
  let errorShape: ErrorShape = p.errorShape;
  if (!miss.ok && miss.body) {
    const shape = miss.body.shape;
    if (shape === "openai" || shape === "anthropic" || shape === "gemini-array" || shape === "flat" || shape === "openrouter") errorShape = shape;
    findings.push({
      feature: "error body",
      expected: p.errorShape,
      observed: `${shape} (${miss.status} ${JSON.stringify(oneLine(miss.body.message || "(empty)", 80))})`,
      verdict: shape === p.errorShape ? "ok" : "differs",
    });
  } else {
    findings.push({ feature: "error body", expected: p.errorShape, observed: miss.ok ? "an unknown model was answered (the server ignores the model id)" : miss.line, verdict: "unknown" });
  }

  const saved: Record<string, unknown> = {
    base: p.name,
    name: `${p.name}-probed`,
    label: `${p.label} (probed ${o.today ?? new Date().toISOString().slice(0, 10)})`,
    probed_at: o.today ?? new Date().toISOString().slice(0, 10),
    tokenParam,
    temperature: { allowed: t0ok || p.temperature.allowed, max: p.temperature.max },
    maxN,
    prefill,
    reasoning: seen.length ? [...seen, ...p.reasoning.filter((s) => !seen.includes(s))] : p.reasoning,
    errorShape,
    ...(providerOrder ? { providerOrder } : {}),
    notes: [
      `probed with model ${o.model}${snapshot ? ` (snapshot ${snapshot})` : ""}${providerOrder ? ` pinned to ${providerOrder.join(", ")} (no fallbacks)${upstream ? `, answered by ${upstream}` : ""}` : ""}`,
      ...findings.map((f) => `${f.feature}: ${f.observed}`),
    ],
  };
  return report(null, snapshot, saved);
}
