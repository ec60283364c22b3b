/**
 * The viewer's model of one or more results folders: the samples table (for
 * the Engine), each transcript's detail, the system prompts and their diffs
 * against the baseline variant, and the labels a reader gives.
 */
import { basename } from "node:path";
import type { Judgement, Sample } from "../schema/index";
import { pickVersions } from "../analysis/index";
import { sha256 } from "../util/hash";
import { Engine, type TableData } from "./engine";
import { lineDiff } from "./diff";
import { judgeView, labelText } from "../analysis/judgement-view";
import { LabelStore, type LabelLine } from "./labels";
import { findQuote, splitReply } from "./segments";
import { readResultsFolder, readStoredPrompt, type ResultsFolder } from "./source";
import type { Cell, Detail, FolderInfo, HumanLabel, JudgeDetail, Meta, PromptDiff, QuoteRef, TableColumn, TurnView } from "./types";

/** The judges the project knows, in the order their columns appear, with column names. */
const JUDGE_COLUMNS: Record<string, { label: string; score?: string }> = {
  compliance: { label: "complied", score: "compl. score" },
  partial_compliance: { label: "partial" },
  af_reasoning: { label: "AF", score: "AF share" },
  motives: { label: "motive" },
};
const JUDGE_ORDER = Object.keys(JUDGE_COLUMNS);

export const HUMAN_LABELS: Record<HumanLabel["label"], string> = { af: "AF", not_af: "not AF", unsure: "unsure" };

interface Folder {
  tag: string;
  data: ResultsFolder;
  labels: LabelStore | null;
  labelMap: Map<string, LabelLine>;
  /** Newest version of each judge in this folder. */
  current: Record<string, string | undefined>;
}

/** Options of ViewModel.open. */
export interface ViewOptions {
  /** Allow labelling (writes into the folders); false for a static export. */
  labels?: boolean;
}

function folderTags(dirs: string[]): string[] {
  const seen = new Map<string, number>();
  return dirs.map((d) => {
    const b = basename(d).replace(/[^A-Za-z0-9._-]/g, "_") || "run";
    const n = (seen.get(b) ?? 0) + 1;
    seen.set(b, n);
    return n === 1 ? b : `${b}~${n}`;
  });
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

export class ViewModel {
  readonly engine: Engine;
  private folders: Folder[];
  /** Row → its folder and sample. */
  private rows: { f: number; s: Sample }[];
  private groups = new Map<string, number[]>();
  private promptText = new Map<string, string>();
  private hashOfText = new Map<string, string>();
  private diffs = new Map<string, PromptDiff>();
  private baselines = new Map<string, { hash: string; condition: string; variant: string } | null>();

  private constructor(folders: Folder[]) {
    this.folders = folders;
    this.rows = [];
    folders.forEach((f, fi) => {
      const sorted = [...f.data.samples].sort(
        (a, b) => a.model.localeCompare(b.model) || a.condition.localeCompare(b.condition) || a.tier.localeCompare(b.tier) || a.query_id.localeCompare(b.query_id) || a.sample - b.sample,
      );
      for (const s of sorted) this.rows.push({ f: fi, s });
    });
    this.rows.forEach((r, i) => {
      const g = this.groupKey(r.f, r.s);
      (this.groups.get(g) ?? this.groups.set(g, []).get(g)!).push(i);
    });
    this.engine = new Engine(this.table());
  }

  /**
   * Read the folders and build the table. Not a results folder, a bad line,
   * a bad labels file: an AfwError of one line.
   */
  static async open(dirs: string[], opts: ViewOptions = {}): Promise<ViewModel> {
    const tags = folderTags(dirs);
    const folders: Folder[] = [];
    for (let i = 0; i < dirs.length; i++) {
      const data = await readResultsFolder(dirs[i]);
      const labels = new LabelStore(data.dir);
      folders.push({
        tag: tags[i],
        data,
        labels: opts.labels === false ? null : labels,
        labelMap: labels.load(),
        current: pickVersions(data.samples) as Record<string, string | undefined>,
      });
    }
    return new ViewModel(folders);
  }

  private groupKey(f: number, s: Sample): string {
    return JSON.stringify([f, s.model, s.condition, s.query_id, s.sample]);
  }

  id(row: number): string {
    const r = this.rows[row];
    return `${this.folders[r.f].tag}/${r.s.key}`;
  }

  sampleAt(row: number): { folder: string; sample: Sample } {
    const r = this.rows[row];
    return { folder: this.folders[r.f].data.dir, sample: r.s };
  }

  get size(): number {
    return this.rows.length;
  }

  private judgesPresent(): { name: string; score: boolean }[] {
    const names = new Map<string, boolean>();
    for (const { f, s } of this.rows) {
      const cur = this.folders[f].current;
      for (const j of Object.values(s.judgements)) {
        const isCur = cur[j.judge] === j.version || cur[j.judge] === undefined;
        if (!isCur) continue;
        names.set(j.judge, (names.get(j.judge) ?? false) || typeof j.score === "number");
      }
    }
    const order = (n: string) => (JUDGE_ORDER.includes(n) ? JUDGE_ORDER.indexOf(n) : 100);
    return [...names.entries()].sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0])).map(([name, score]) => ({ name, score }));
  }

  private factorNames(): string[] {
    const names = new Set<string>();
    for (const f of this.folders) for (const spec of Object.values(f.data.manifest?.condition_specs ?? {})) for (const k of Object.keys(spec.factors ?? {})) names.add(k);
    return [...names].sort();
  }

  private factors(f: number, condition: string): Record<string, string | number | boolean | null> {
    return (this.folders[f].data.manifest?.condition_specs?.[condition]?.factors ?? {}) as Record<string, string | number | boolean | null>;
  }

  private currentJudgement(f: number, s: Sample, judge: string): Judgement | undefined {
    const v = this.folders[f].current[judge];
    if (v) return s.judgements[`${judge}@${v}`];
    return Object.values(s.judgements).find((j) => j.judge === judge);
  }

  private table(): TableData {
    const cols: TableColumn[] = [];
    const getters: ((r: { f: number; s: Sample }, i: number) => Cell)[] = [];
    const add = (c: TableColumn, get: (r: { f: number; s: Sample }, i: number) => Cell) => {
      cols.push(c);
      getters.push(get);
    };
    if (this.folders.length > 1) add({ id: "folder", label: "folder", kind: "cat", width: 120, title: "results folder" }, (r) => this.folders[r.f].tag);
    add({ id: "model", label: "model", kind: "cat", width: 150, title: "model" }, (r) => r.s.model);
    add({ id: "condition", label: "condition", kind: "cat", width: 140, title: "condition (its factors follow)" }, (r) => r.s.condition);
    for (const name of this.factorNames()) add({ id: `factor:${name}`, label: name, kind: "cat", width: 100, title: `condition factor ${name}` }, (r) => str(this.factors(r.f, r.s.condition)[name]));
    add({ id: "tier", label: "tier", kind: "cat", width: 60, title: "tier the model was told it is in" }, (r) => r.s.tier);
    const queries = new Set(this.rows.map((r) => r.s.query_id)).size;
    add({ id: "query_id", label: "query", kind: queries > 500 ? "text" : "cat", width: 80, title: "query id" }, (r) => r.s.query_id);
    add({ id: "query", label: "request", kind: "text", width: 240, title: "the request text" }, (r) => r.s.query_text ?? null);
    add({ id: "sample", label: "#", kind: "num", width: 40, title: "sample index" }, (r) => r.s.sample);
    add({ id: "tags", label: "tags", kind: "cat", width: 110, title: "acceptance by the accept/reject tags" }, (r) =>
      r.s.accepted === null ? "no tag" : r.s.accepted ? (r.s.accept_then_refuse ? "accept, refuses" : "accept") : "reject",
    );
    for (const { name, score } of this.judgesPresent()) {
      const jc = JUDGE_COLUMNS[name] ?? { label: name, score: `${name} score` };
      add({ id: `j:${name}`, label: jc.label, kind: "cat", width: name === "motives" ? 170 : name === "af_reasoning" ? 90 : 80, title: `${name} judge: label (newest version)` }, (r) => {
        const j = this.currentJudgement(r.f, r.s, name);
        return j ? (j.valid ? labelText(j.label) : "invalid") : null;
      });
      if (score) {
        add({ id: `s:${name}`, label: jc.score ?? `${name} score`, kind: "num", width: 80, title: name === "af_reasoning" ? "share of the AF votes that said yes" : `${name} judge: score` }, (r) => {
          const j = this.currentJudgement(r.f, r.s, name);
          return j && j.valid && typeof j.score === "number" ? j.score : null;
        });
      }
    }
    add({ id: "outcome", label: "outcome", kind: "cat", width: 80, title: "provider outcome: reply, truncated, blocked, failed" }, (r) => r.s.outcome);
    add({ id: "finish", label: "finish", kind: "cat", width: 70, title: "the provider's finish reason" }, (r) => r.s.finish_reason);
    add({ id: "tok_in", label: "tok in", kind: "num", width: 65, title: "prompt tokens" }, (r) => r.s.usage?.prompt_tokens ?? null);
    add({ id: "tok_out", label: "tok out", kind: "num", width: 65, title: "completion tokens" }, (r) => r.s.usage?.completion_tokens ?? null);
    add({ id: "label", label: "my label", kind: "cat", width: 75, title: "your label (AF / not AF / unsure)" }, (r) => {
      const l = this.folders[r.f].labelMap.get(r.s.key);
      return l ? HUMAN_LABELS[l.label] : null;
    });
    const cells: Cell[][] = cols.map(() => new Array(this.rows.length));
    const text: string[] = new Array(this.rows.length);
    const ids: string[] = new Array(this.rows.length);
    this.rows.forEach((r, i) => {
      for (let c = 0; c < cols.length; c++) cells[c][i] = getters[c](r, i);
      text[i] = [r.s.query_text ?? "", r.s.output_text ?? "", r.s.reasoning?.text ?? ""].join("\n").toLowerCase();
      ids[i] = this.id(i);
    });
    return { columns: cols, cells, ids, text };
  }

  meta(): Meta {
    const infos: FolderInfo[] = this.folders.map((f) => ({
      tag: f.tag,
      dir: f.data.dir,
      run_id: f.data.manifest?.run_id ?? null,
      experiment: f.data.manifest?.experiment ?? null,
      status: f.data.manifest?.status ?? null,
      samples: f.data.samples.length,
      labels: f.labels ? f.labels.path : null,
    }));
    return {
      title: this.folders.map((f) => f.tag).join(", "),
      folders: infos,
      columns: this.engine.columns(),
      total: this.rows.length,
      canLabel: this.folders.every((f) => f.labels !== null),
    };
  }

  /** Hash of a system prompt text, remembered (the texts are shared strings, so this hashes each distinct prompt once). */
  private hashText(text: string, known?: string): string {
    let h = this.hashOfText.get(text);
    if (h === undefined) {
      h = known ?? sha256(text);
      this.hashOfText.set(text, h);
      this.promptText.set(h, text);
    }
    return h;
  }

  /** The baseline variant's system prompt for a sample's folder and CoT setting, or null when the folder has none. */
  private baseline(f: number, s: Sample): { hash: string; condition: string; variant: string } | null {
    const key = JSON.stringify([f, s.scenario.cot, s.request.api]);
    if (this.baselines.has(key)) return this.baselines.get(key)!;
    const folder = this.folders[f];
    let found: { hash: string; condition: string; variant: string } | null = null;
    const specs = folder.data.manifest?.condition_specs ?? {};
    const cands = Object.entries(specs).filter(([, sp]) => sp.variant === "baseline");
    cands.sort((a, b) => Number(b[1].cot === s.scenario.cot) - Number(a[1].cot === s.scenario.cot));
    for (const [cond, sp] of cands) {
      const text = this.promptText.get(sp.system_hash) ?? readStoredPrompt(folder.data.dir, sp.system_hash);
      if (text !== null) {
        this.hashText(text, sp.system_hash);
        found = { hash: sp.system_hash, condition: cond, variant: sp.variant };
        break;
      }
    }
    if (!found) {
      const base = folder.data.samples.find((x) => x.scenario.variant === "baseline" && x.scenario.cot === s.scenario.cot && x.request.api === s.request.api);
      const sys = base?.request.messages?.find((m) => m.role === "system");
      if (base && sys) found = { hash: this.hashText(sys.content), condition: base.condition, variant: base.scenario.variant };
    }
    this.baselines.set(key, found);
    return found;
  }

  prompt(hash: string): string | null {
    return this.promptText.get(hash) ?? null;
  }

  /** The line diff from one stored prompt to another (cached). */
  diff(from: string, to: string): PromptDiff | null {
    const k = `${from}>${to}`;
    const hit = this.diffs.get(k);
    if (hit) return hit;
    const a = this.promptText.get(from);
    const b = this.promptText.get(to);
    if (a === undefined || b === undefined) return null;
    const d = lineDiff(a, b);
    this.diffs.set(k, d);
    return d;
  }

  /** Every prompt text and every (prompt, baseline) diff the samples need (for a static export). */
  promptsAndDiffs(): { prompts: Record<string, string>; diffs: Record<string, PromptDiff> } {
    const diffs: Record<string, PromptDiff> = {};
    for (let i = 0; i < this.rows.length; i++) {
      const d = this.detail(this.id(i));
      const sys = d?.system;
      if (sys?.baseline && sys.baseline.hash !== sys.hash) {
        const k = `${sys.baseline.hash}>${sys.hash}`;
        if (!diffs[k]) diffs[k] = this.diff(sys.baseline.hash, sys.hash)!;
      }
    }
    return { prompts: Object.fromEntries(this.promptText), diffs };
  }

  /** One transcript, ready to show; null for an unknown id. */
  detail(id: string): Detail | null {
    const row = this.engine.rowIndex(id);
    if (row === undefined) return null;
    const { f, s } = this.rows[row];
    const folder = this.folders[f];
    const req = s.request;
    let system: Detail["system"] = null;
    const messages: Detail["messages"] = [];
    if (req.api === "chat") {
      for (const m of req.messages ?? []) {
        if (m.role === "system" && system === null) {
          const hash = this.hashText(m.content);
          const base = this.baseline(f, s);
          system = { hash, chars: m.content.length, baseline: base };
        } else messages.push({ role: m.role === "assistant" ? "prefill" : m.role, content: m.content });
      }
    } else messages.push({ role: "document", content: req.prompt ?? "" });

    // the reply, turn by turn
    const turnsRaw =
      s.turns.length > 0
        ? s.turns.map((t) => ({ text: t.output_text ?? "", finish: t.finish_reason, usage: t.usage, reasoning: t.reasoning }))
        : [{ text: s.output_text ?? "", finish: s.finish_reason, usage: s.usage, reasoning: s.reasoning }];
    const turns: TurnView[] = turnsRaw.map((t, ti) => ({
      segments: splitReply((ti === 0 && s.prefill ? s.prefill : "") + t.text).map((x) => ({ ...x, marks: [] })),
      finish_reason: t.finish,
      tokens: t.usage ? { prompt: t.usage.prompt_tokens, completion: t.usage.completion_tokens } : null,
      reasoning: t.reasoning ? { text: t.reasoning.text, source: t.reasoning.source } : null,
    }));

    // judges and their quotes, highlighted where they occur
    const quotes: QuoteRef[] = [];
    const judges: JudgeDetail[] = Object.values(s.judgements)
      .sort((a, b) => (JUDGE_ORDER.indexOf(a.judge) + 100) % 100 - (JUDGE_ORDER.indexOf(b.judge) + 100) % 100 || a.version.localeCompare(b.version))
      .map((j) => {
        const v = judgeView(j);
        const qi: number[] = [];
        v.quotes.forEach((q, k) => {
          const group = j.judge === "af_reasoning" ? Number(/^(\d)/.exec(q.tag)?.[1] ?? 1) : j.judge === "motives" ? 5 + (k % 2) : 7;
          let found: string | null = null;
          turns.forEach((t, ti) =>
            t.segments.forEach((seg, si) => {
              if (found !== null) return;
              if (q.target === "scratchpad" ? seg.kind !== "scratchpad" : seg.kind === "scratchpad") return;
              const at = findQuote(seg.text, q.text);
              if (!at.length) return;
              found = `${ti}.${si}`;
              for (const [start, end] of at) seg.marks.push({ start, end, q: quotes.length });
            }),
          );
          qi.push(quotes.length);
          quotes.push({ judge: j.judge, tag: q.tag, text: q.text, target: q.target, found, group });
        });
        return {
          id: v.id,
          judge: v.judge,
          version: v.version,
          judge_model: v.judge_model,
          label: v.label,
          score: v.score,
          valid: v.valid,
          current: folder.current[j.judge] === j.version,
          votes: v.votes,
          criteria: v.criteria ? v.criteria.map(({ name, yes, valid, share }) => ({ name, yes, valid, share })) : null,
          facts: v.facts,
          quotes: qi,
        };
      });
    for (const t of turns) for (const seg of t.segments) seg.marks.sort((a, b) => a.start - b.start || b.end - a.end);

    const lab = folder.labelMap.get(s.key);
    const siblings = (this.groups.get(this.groupKey(f, s)) ?? []).map((r) => ({ tier: this.rows[r].s.tier, id: this.id(r) }));
    return {
      id,
      folder: folder.tag,
      key: s.key,
      model: s.model,
      condition: s.condition,
      factors: this.factors(f, s.condition),
      tier: s.tier,
      query_id: s.query_id,
      query_text: s.query_text ?? null,
      category: s.category ?? null,
      sample: s.sample,
      outcome: s.outcome,
      finish_reason: s.finish_reason,
      error: s.error,
      accepted: s.accepted,
      accept_then_refuse: s.accept_then_refuse,
      usage: s.usage,
      provider: s.provider,
      model_snapshot: s.model_snapshot,
      api: req.api,
      variant: s.scenario.variant,
      cot: s.scenario.cot,
      system,
      messages,
      prefill: s.prefill,
      turns,
      judges,
      quotes,
      siblings,
      label: lab ? { label: lab.label, note: lab.note, labelled_at: lab.labelled_at } : null,
    };
  }

  /** Label a sample (null clears); returns the stored label. Throws when labelling is off. */
  label(id: string, label: HumanLabel["label"] | null, note: string): { label: HumanLabel | null; file: string } {
    const row = this.engine.rowIndex(id);
    if (row === undefined) throw new Error(`no sample ${id}`);
    const { f, s } = this.rows[row];
    const folder = this.folders[f];
    if (!folder.labels) throw new Error("labelling is off");
    const out = folder.labels.set(s, label, note);
    folder.labelMap = folder.labels.load();
    this.engine.setCell(row, "label", out ? HUMAN_LABELS[out.label] : null);
    return { label: out, file: label === "unsure" ? folder.labels.unsurePath : folder.labels.path };
  }
}
