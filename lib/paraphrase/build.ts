import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import type { EndpointClient } from "../pipeline/index";
import { estimateCost } from "../experiments/prices";
import { readSituation, type Situation } from "../organisms/index";
import type { Params } from "../schema/index";
import { fillTemplate, loadScenario, type Scenario } from "../scenario/index";
import { AfwError } from "../util/errors";
import { canonicalJson, sha256 } from "../util/hash";
import { writeFileAtomic } from "../util/fsx";
import { JsonlWriter } from "../util/jsonl";
import { checkUnit, DEFAULT_LIMITS, type CheckLimits, type Reason } from "./checks";
import { DrawRecord, ParaphraseManifest, type RejectedDraw, type WordingEntry } from "./manifest";
import { PARAPHRASE_PARAMS, PARAPHRASE_SYSTEM, PARAPHRASE_USER, paraphraseRequest, promptsHash, PROMPT_VERSION } from "./prompts";
import { assembleWording, scenarioUnits, selectUnits, type ScenarioUnits, type Unit } from "./units";

/** af-workbook's version, recorded in the manifest. */
import { AFW_VERSION } from "../util/version";

export interface BuildOptions {
  /** The source scenario (its system prompt and suffix are what gets reworded). */
  scenario: Scenario;
  /** Which units to reword (see selectUnits); default system-sections and suffix. */
  parts?: readonly string[];
  /** The generating model. */
  model: string;
  /** Wordings wanted. */
  k: number;
  /** Draws tried at most before giving up on K (default 3·K). */
  maxDraws?: number;
  out: string;
  client: EndpointClient;
  /** Redacted endpoint URL for the record; null offline. */
  baseURL: string | null;
  offline: boolean;
  seed?: number;
  params?: Partial<Params>;
  /** Reject on warnings (drift, facts read differently) too. */
  strict?: boolean;
  limits?: Partial<CheckLimits>;
  /** Draws in flight at once (each sends one request per unit); default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Called once the --out folder is known to be usable, before anything is written (a refusal stays one line). */
  onStart?: () => void;
}

export interface BuildResult {
  out: string;
  manifest: ParaphraseManifest;
  /** Draws whose requests were sent in this call (not read back from the journal). */
  drawsSent: number;
  /** Draws read back from the journal. */
  drawsResumed: number;
}

/** A unit's sha256 and what else the manifest says of it. */
function sourceUnits(u: ScenarioUnits, selected: readonly Unit[]) {
  return [...u.system, u.suffix].map((x) => ({
    name: x.name,
    part: x.part,
    sha256: sha256(x.text),
    chars: [...x.text].length,
    frozen: x.frozen,
    selected: selected.some((s) => s.name === x.name),
  }));
}

/** The facts a reader takes from a prompt, per tier (for the "facts" check). */
function factsByTier(sc: Scenario, system: string, suffix: string): Record<string, Situation> {
  const out: Record<string, Situation> = {};
  for (const t of sc.spec.tiers) {
    const user = fillTemplate(sc.userTemplate, { ...sc.tiers[t].vars, user_input: "[the user's request]", suffix }, "user template");
    out[t] = readSituation(system, user);
  }
  return out;
}

function factDiffs(ref: Record<string, Situation>, now: Record<string, Situation>): string[] {
  const diffs: string[] = [];
  for (const [tier, a] of Object.entries(ref)) {
    const b = now[tier];
    for (const k of Object.keys(a) as (keyof Situation)[]) {
      if (a[k] !== b[k]) diffs.push(`tier ${tier}: ${k} ${JSON.stringify(a[k])} → ${JSON.stringify(b[k])}`);
    }
  }
  return diffs;
}

/** Cut a torn last line (no newline) that a kill mid-write can leave. */
function repairJournal(path: string): void {
  if (!existsSync(path)) return;
  const buf = readFileSync(path);
  if (buf.length === 0 || buf[buf.length - 1] === 10) return;
  truncateSync(path, buf.lastIndexOf(10) + 1);
}

function readJournal(path: string, configHash: string): Map<number, Record<string, string>> {
  const out = new Map<number, Record<string, string>>();
  if (!existsSync(path)) return out;
  repairJournal(path);
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new AfwError(`${path}:${i + 1}: not valid JSON`);
    }
    const r = DrawRecord.safeParse(raw);
    if (!r.success) throw new AfwError(`${path}:${i + 1}: not a paraphrase draw record`);
    if (r.data.config_hash !== configHash) throw new AfwError(`${path}:${i + 1}: draw made with other settings (config ${r.data.config_hash}, now ${configHash}); use a new --out`);
    out.set(r.data.draw, r.data.replies);
  });
  return out;
}

const pad = (d: number, width: number) => String(d).padStart(width, "0");

/** What a set needs to resume into a folder: the source, the units, the generator and the prompts. */
export function setConfigHash(o: { sourceHash: string; units: readonly string[]; model: string; params: Record<string, unknown>; seed: number; strict: boolean; limits: CheckLimits }): string {
  return sha256(canonicalJson({ ...o, prompts: promptsHash() })).slice(0, 16);
}

/**
 * Build (or resume) a paraphrase set: draw rewordings of the selected units
 * until K wordings pass every check or maxDraws draws were tried. Each draw
 * sends one request per unit (sample index = draw, so each draw has its own
 * cache entry); a draw whose requests all returned is journaled in
 * draws.jsonl before it is judged, so a kill at any moment loses at most the
 * draws in flight and a rerun resumes without sending anything twice.
 * Failed requests are listed as rejections with reason "call" and retried
 * by the next run while the set is incomplete (a complete set is left as it
 * is); a 401/402/403/404 stops the build at once.
 */
export async function buildParaphraseSet(o: BuildOptions): Promise<BuildResult> {
  const log = o.log ?? (() => {});
  const sc = o.scenario;
  const units = scenarioUnits(sc);
  const selected = selectUnits(units, o.parts ?? ["system-sections", "suffix"]);
  if (!(Number.isInteger(o.k) && o.k >= 1)) throw new AfwError(`--k must be a positive integer, got ${o.k}`);
  const maxDraws = o.maxDraws ?? 3 * o.k;
  if (!(Number.isInteger(maxDraws) && maxDraws >= o.k)) throw new AfwError(`--max-draws must be an integer ≥ --k (${o.k}), got ${maxDraws}`);
  const seed = o.seed ?? 0;
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const strict = !!o.strict;
  const params = { ...PARAPHRASE_PARAMS, ...o.params };
  const sourceHash = sha256(canonicalJson({ system: sc.system, suffix: sc.suffix }));
  const configHash = setConfigHash({ sourceHash, units: selected.map((u) => u.name), model: o.model, params, seed, strict, limits });
  const out = o.out;
  const manifestPath = join(out, "manifest.json");
  const journalPath = join(out, "draws.jsonl");

  let createdAt = new Date().toISOString();
  /** Draws whose requests failed in an earlier run that completed the set: not sent again, so a complete set stays as it is. */
  let settled = new Map<number, RejectedDraw>();
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new AfwError(`--out ${out}: exists and is not a folder`);
    if (existsSync(manifestPath)) {
      let prev: ParaphraseManifest;
      try {
        prev = ParaphraseManifest.parse(JSON.parse(readFileSync(manifestPath, "utf8")));
      } catch {
        throw new AfwError(`${manifestPath}: not a paraphrase set manifest; use a new --out`);
      }
      if (prev.config_hash !== configHash) {
        throw new AfwError(`--out ${out} holds a paraphrase set made with other settings (config ${prev.config_hash}, now ${configHash}); use a new --out`);
      }
      // A smaller --k never shrinks a set: its wordings may already be in runs.
      if (prev.wordings.length > o.k) {
        throw new AfwError(`--out ${out}: the set holds ${prev.wordings.length} wordings; use --k ${prev.wordings.length} or more, or a new --out`);
      }
      createdAt = prev.created_at;
      if (prev.status === "complete" && prev.wordings.length >= o.k) {
        settled = new Map(prev.rejected.filter((r) => r.reasons.some((x) => x.check === "call")).map((r) => [r.draw, r]));
      }
    } else if (readdirSync(out).length > 0) {
      throw new AfwError(`--out ${out}: exists, is not empty and holds no paraphrase set; use a new --out`);
    }
  }
  o.onStart?.();
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, "reference", "system.txt"), sc.system);
  writeFileAtomic(join(out, "reference", "suffix.txt"), sc.suffix);

  const width = Math.max(2, String(maxDraws - 1).length);
  const journal = readJournal(journalPath, configHash);
  const refFacts = factsByTier(sc, sc.system, sc.suffix);
  const names = [sc.variant.config.lab];
  const wordings: WordingEntry[] = [];
  const rejected: RejectedDraw[] = [];
  const seen = new Map<string, string>();
  let drawsSent = 0;
  let drawsResumed = 0;
  let draws = 0;
  let stopped: string | null = null;

  const manifest = (status: ParaphraseManifest["status"]): ParaphraseManifest => {
    const t = o.client.totals();
    return {
      kind: "afw-paraphrase-set",
      version: 1,
      afw_version: AFW_VERSION,
      created_at: createdAt,
      updated_at: new Date().toISOString(),
      status,
      scenario: { name: sc.spec.name, variant: sc.spec.variant, cot: sc.spec.cot, system_file: sc.spec.overrides.system ?? null, suffix_file: sc.spec.overrides.suffix ?? null },
      source: {
        system_sha256: sha256(sc.system),
        suffix_sha256: sha256(sc.suffix),
        hash: sourceHash,
        split: units.split,
        units: sourceUnits(units, selected),
        reference_system_file: "reference/system.txt",
        reference_suffix_file: "reference/suffix.txt",
      },
      parts: [...(o.parts ?? ["system-sections", "suffix"])],
      generator: { model: o.model, base_url: o.baseURL, offline: o.offline, params, seed },
      prompts: { version: PROMPT_VERSION, hash: promptsHash(), system: PARAPHRASE_SYSTEM, user: PARAPHRASE_USER },
      k: o.k,
      max_draws: maxDraws,
      strict,
      limits,
      config_hash: configHash,
      draws_done: draws,
      wordings: [...wordings],
      rejected: [...rejected],
      usage: { requests: t.requests, cached: t.cached, errors: t.errors, prompt_tokens: t.prompt_tokens, completion_tokens: t.completion_tokens },
    };
  };
  const writeManifest = (status: ParaphraseManifest["status"]) => writeFileAtomic(manifestPath, JSON.stringify(manifest(status), null, 2) + "\n");
  writeManifest("running");

  /** Send one draw's requests; null replies when a call failed (its reasons are returned). */
  const fetchDraw = async (draw: number): Promise<{ draw: number; replies: Record<string, string> | null; reasons: Reason[] }> => {
    const done = settled.get(draw);
    if (done) return { draw, replies: null, reasons: done.reasons };
    const cached = journal.get(draw);
    if (cached && selected.every((u) => typeof cached[u.name] === "string")) {
      drawsResumed++;
      return { draw, replies: cached, reasons: [] };
    }
    drawsSent++;
    const results = await Promise.all(
      selected.map(async (u) => ({ u, r: await o.client.call(o.model, paraphraseRequest(u.text, draw, { seed, params }), draw) })),
    );
    const reasons: Reason[] = [];
    const replies: Record<string, string> = {};
    for (const { u, r } of results) {
      if (r.error !== null) reasons.push({ unit: u.name, check: "call", detail: r.error });
      else if (r.texts[0] === undefined) reasons.push({ unit: u.name, check: "call", detail: "the reply had no choices" });
      else replies[u.name] = r.texts[0];
    }
    return { draw, replies: reasons.length ? null : replies, reasons };
  };

  const judge = (draw: number, replies: Record<string, string>): void => {
    const reasons: Reason[] = [];
    const warnings: Reason[] = [];
    const replaced = new Map<string, string>();
    const metrics: WordingEntry["units"] = [];
    for (const u of selected) {
      const c = checkUnit(u.name, u.text, replies[u.name], { names, limits });
      reasons.push(...c.reasons);
      warnings.push(...c.warnings);
      if (c.text !== null) replaced.set(u.name, c.text);
      if (c.metrics) metrics.push({ unit: u.name, ...c.metrics });
    }
    const id = `w${pad(draw, width)}`;
    let texts: { system: string; suffix: string } | null = null;
    if (!reasons.length) {
      texts = assembleWording(units, replaced);
      const key = sha256(canonicalJson(texts));
      const dup = seen.get(key);
      if (dup) reasons.push({ unit: "wording", check: "duplicate", detail: `same texts as ${dup}` });
      else {
        const diffs = factDiffs(refFacts, factsByTier(sc, texts.system, texts.suffix));
        if (diffs.length) warnings.push({ unit: "wording", check: "facts", detail: `a reader takes other facts from it: ${diffs.slice(0, 3).join("; ")}${diffs.length > 3 ? ` (+${diffs.length - 3} more)` : ""}` });
      }
    }
    if (strict && warnings.length) reasons.push(...warnings.map((w) => ({ ...w, detail: `${w.detail} (--strict)` })));
    if (!reasons.length && texts) {
      const dir = join(out, id);
      const systemFile = join(dir, "system.txt");
      const suffixFile = join(dir, "suffix.txt");
      writeFileAtomic(systemFile, texts.system);
      writeFileAtomic(suffixFile, texts.suffix);
      try {
        const w = loadScenario({ ...sc.spec, overrides: { ...sc.spec.overrides, system: systemFile, suffix: suffixFile } });
        for (const t of w.spec.tiers) w.render({ id: "check", text: "[the user's request]", category: "check" }, t);
        if (w.system !== texts.system || w.suffix !== texts.suffix) throw new Error("the files do not read back byte-exact");
      } catch (e) {
        reasons.push({ unit: "wording", check: "render", detail: (e as Error).message.split("\n")[0] });
      }
    }
    if (reasons.length) {
      rmSync(join(out, id), { recursive: true, force: true });
      rejected.push({ draw, reasons, warnings });
      log(`draw ${draw}: rejected (${reasons.map((r) => `${r.unit}: ${r.detail}`).join("; ")})`);
      return;
    }
    seen.set(sha256(canonicalJson(texts)), id);
    const mean = metrics.length ? metrics.reduce((a, m) => a + m.chrf, 0) / metrics.length : 1;
    wordings.push({
      id,
      draw,
      system_file: `${id}/system.txt`,
      suffix_file: `${id}/suffix.txt`,
      system_sha256: sha256(texts!.system),
      suffix_sha256: sha256(texts!.suffix),
      units: metrics,
      mean_chrf: mean,
      warnings,
    });
    log(`draw ${draw}: accepted ${id} (mean chrF ${mean.toFixed(2)}${warnings.length ? `; ${warnings.length} warning(s)` : ""})`);
  };

  const writer = new JsonlWriter<DrawRecord>(journalPath);
  const inFlight = Math.max(1, o.concurrency ?? 4);
  try {
    let next = 0;
    while (wordings.length < o.k && next < maxDraws && !stopped) {
      if (o.signal?.aborted) {
        stopped = "interrupted";
        break;
      }
      const want = Math.min(o.k - wordings.length, inFlight, maxDraws - next);
      const batch = Array.from({ length: want }, (_, i) => next + i);
      next += want;
      const got = await Promise.all(batch.map(fetchDraw));
      for (const g of got) {
        if (g.replies && !journal.has(g.draw)) {
          writer.append({ draw: g.draw, config_hash: configHash, replies: g.replies });
          journal.set(g.draw, g.replies);
        }
      }
      writer.flush();
      for (const g of got.sort((a, b) => a.draw - b.draw)) {
        draws++;
        if (g.replies) {
          if (wordings.length < o.k) judge(g.draw, g.replies);
        } else {
          rejected.push({ draw: g.draw, reasons: g.reasons, warnings: [] });
          if (!settled.has(g.draw)) log(`draw ${g.draw}: request failed (${g.reasons.map((r) => `${r.unit}: ${r.detail}`).join("; ")}); retried by the next run while the set is incomplete`);
          const fatal = g.reasons.find((r) => /^(401|402|403|404)\b/.test(r.detail));
          if (fatal && !settled.has(g.draw)) stopped = `the generator cannot be used: ${fatal.detail}`;
        }
      }
      writeManifest("running");
    }
  } finally {
    writer.close();
  }
  // Wording folders of an earlier run that this run did not accept (a draw judged again) are removed.
  const keep = new Set(wordings.map((w) => w.id));
  for (const name of readdirSync(out)) if (/^w\d+$/.test(name) && !keep.has(name)) rmSync(join(out, name), { recursive: true, force: true });
  const status = wordings.length >= o.k ? "complete" : "incomplete";
  writeManifest(status);
  const m = manifest(status);
  if (stopped && stopped !== "interrupted") throw new AfwError(`afw paraphrase: ${stopped} (set so far in ${out})`, 1);
  return { out, manifest: m, drawsSent, drawsResumed };
}

/** The cost estimate of a set before anything is sent. */
export interface ParaphrasePlan {
  units: { name: string; chars: number }[];
  model: string;
  k: number;
  maxDraws: number;
  /** Requests for K draws (if every draw passes) and for maxDraws (if many fail). */
  requests: number;
  requestsMax: number;
  promptTokens: number;
  completionTokens: number;
  /** Dollars for K draws and for maxDraws; null when the model's price is unknown. */
  cost: number | null;
  costMax: number | null;
}

/**
 * Plan a set: requests, tokens (characters / 4, the organisms' own rule;
 * a paraphrase assumed 1.1× its source) and cost, for K draws and for the
 * most draws the build may try.
 */
export function planParaphraseSet(o: { scenario: Scenario; parts?: readonly string[]; model: string; k: number; maxDraws?: number; seed?: number }): ParaphrasePlan {
  const units = scenarioUnits(o.scenario);
  const selected = selectUnits(units, o.parts ?? ["system-sections", "suffix"]);
  const maxDraws = o.maxDraws ?? 3 * o.k;
  let prompt = 0;
  let completion = 0;
  for (const u of selected) {
    const req = paraphraseRequest(u.text, 0, { seed: o.seed ?? 0 });
    prompt += Math.ceil((req.messages ?? []).reduce((a, m) => a + m.content.length, 0) / 4);
    completion += Math.ceil((u.text.length * 1.1) / 4) + 8;
  }
  const cost = estimateCost(o.model, prompt * o.k, completion * o.k);
  const costMax = estimateCost(o.model, prompt * maxDraws, completion * maxDraws);
  return {
    units: selected.map((u) => ({ name: u.name, chars: u.text.length })),
    model: o.model,
    k: o.k,
    maxDraws,
    requests: selected.length * o.k,
    requestsMax: selected.length * maxDraws,
    promptTokens: prompt * o.k,
    completionTokens: completion * o.k,
    cost,
    costMax,
  };
}

/** The dry-run report. */
export function formatParaphrasePlan(p: ParaphrasePlan): string {
  const usd = (c: number | null) => (c === null ? "unknown (no price for this model)" : `$${c.toFixed(4)}`);
  return [
    `paraphrase set: ${p.k} wording(s) from ${p.model}; units: ${p.units.map((u) => `${u.name} (${u.chars} chars)`).join(", ")}`,
    `requests: ${p.requests} if every draw passes, at most ${p.requestsMax} (${p.maxDraws} draws)`,
    `tokens for ${p.k} draws: ~${p.promptTokens.toLocaleString("en-US")} prompt, ~${p.completionTokens.toLocaleString("en-US")} output (characters / 4)`,
    `estimated cost: ${usd(p.cost)}, at most ${usd(p.costMax)} (approximate list prices)`,
  ].join("\n");
}
