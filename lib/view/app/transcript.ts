/**
 * One transcript: the system prompt (collapsed, with its hash and a diff
 * against the baseline variant), the user turn, each assistant turn cut into
 * scratchpad and output with the hidden reasoning apart, the judges with
 * their votes, per-criterion shares and quotes (highlighted where they occur),
 * and the reader's label. And the tier comparison: the same query, model,
 * condition and sample index in every tier, side by side.
 */
import { h, type ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import htm from "htm";
import type { Detail, HumanLabel, JudgeDetail, Mark, Nav, PromptDiff, QuoteRef, Segment } from "../types";
import type { Source } from "./source";

const html = htm.bind(h);

const LABELS: [HumanLabel["label"], string, string][] = [
  ["af", "AF", "1"],
  ["not_af", "not AF", "2"],
  ["unsure", "unsure", "3"],
];

/** Text with the judge quotes that fall in it marked. */
export function Marked(props: { text: string; marks: Mark[]; quotes: QuoteRef[] }): ComponentChildren {
  const { text, marks, quotes } = props;
  if (!marks.length) return text;
  const cuts = new Set<number>([0, text.length]);
  for (const m of marks) {
    cuts.add(m.start);
    cuts.add(m.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: ComponentChildren[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k];
    const b = points[k + 1];
    const piece = text.slice(a, b);
    const over = marks.filter((m) => m.start <= a && m.end >= b);
    if (!over.length) out.push(piece);
    else {
      const q = quotes[over[0].q];
      const title = over.map((m) => `${quotes[m.q].judge}: ${quotes[m.q].tag}`).join("\n");
      out.push(html`<mark class=${`q q${q.group}`} data-q=${over.map((m) => m.q).join(" ")} title=${title}>${piece}</mark>`);
    }
  }
  return out;
}

function SegmentBox(props: { seg: Segment; quotes: QuoteRef[]; addr: string }) {
  const { seg } = props;
  const name = seg.kind === "scratchpad" ? "scratchpad (hidden reasoning)" : seg.kind === "output" ? "final output" : "outside the tags";
  return html`<div class=${`seg seg-${seg.kind}`} data-addr=${props.addr}>
    <div class="seg-name">${name}</div>
    <pre class="text"><${Marked} text=${seg.text} marks=${seg.marks} quotes=${props.quotes} /></pre>
  </div>`;
}

function Votes(props: { votes: (boolean | null)[] }) {
  const yes = props.votes.filter((v) => v === true).length;
  const valid = props.votes.filter((v) => v !== null).length;
  return html`<div class="votes" title=${`${yes} yes of ${valid} valid votes`}>
    ${props.votes.map((v, i) => html`<span class=${`vote ${v === null ? "invalid" : v ? "yes" : "no"}`} title=${`vote ${i + 1}: ${v === null ? "invalid" : v ? "yes" : "no"}`}></span>`)}
    <span class="vote-count">${yes} / ${valid} yes</span>
  </div>`;
}

function JudgeBox(props: { j: JudgeDetail; quotes: QuoteRef[] }) {
  const { j, quotes } = props;
  const jump = (qi: number) => {
    const el = document.querySelector(`mark[data-q~="${qi}"]`);
    if (el) {
      el.scrollIntoView({ block: "center" });
      el.classList.add("flash");
      window.setTimeout(() => el.classList.remove("flash"), 900);
    }
  };
  return html`<div class=${`judge ${j.current ? "current" : "older"}`} data-judge=${j.judge}>
    <div class="judge-head">
      <b>${j.judge}</b>
      <span class=${`label-chip ${j.valid ? "" : "invalid"}`}>${j.valid ? (j.label ?? "—") : "invalid"}</span>
      ${j.score !== null ? html`<span class="score">${j.score.toFixed(2)}</span>` : null}
      <span class="version" title=${j.judge_model ?? ""}>${j.version}${j.current ? "" : " (older)"}</span>
    </div>
    ${j.votes ? html`<${Votes} votes=${j.votes} />` : null}
    ${j.criteria
      ? html`<table class="criteria">
          ${j.criteria.map(
            (c, i) => html`<tr>
              <td><span class=${`swatch q${i + 1}`}></span>${i + 1}. ${c.name}</td>
              <td class="bar"><span style=${{ width: `${Math.round((c.share ?? 0) * 100)}%` }}></span></td>
              <td class="num">${c.share === null ? "—" : c.share.toFixed(2)}</td>
              <td class="num dim">${c.yes}/${c.valid}</td>
            </tr>`,
          )}
        </table>`
      : null}
    ${j.facts.length ? html`<div class="facts">${j.facts.map(([k, v]) => html`<span><i>${k}</i> ${v}</span>`)}</div>` : null}
    ${j.quotes.length
      ? html`<ul class="quotes">
          ${j.quotes.map((qi) => {
            const q = quotes[qi];
            return html`<li class=${q.found ? "found" : "missing"} onClick=${() => jump(qi)}>
              <span class=${`swatch q${q.group}`}></span><i>${q.tag}</i> “${q.text}” ${q.found ? null : html`<b class="warn">not found in the ${q.target}</b>`}
            </li>`;
          })}
        </ul>`
      : null}
  </div>`;
}

function SystemPrompt(props: { d: Detail; source: Source; open: boolean; setOpen: (o: boolean) => void }) {
  const sys = props.d.system;
  const [text, setText] = useState<string | null>(null);
  const [diff, setDiff] = useState<PromptDiff | null>(null);
  const [tab, setTab] = useState<"text" | "diff">("text");
  useEffect(() => {
    setText(null);
    setDiff(null);
  }, [sys?.hash]);
  useEffect(() => {
    if (!props.open || !sys) return;
    if (text === null) void props.source.prompt(sys.hash).then(setText);
    if (diff === null && sys.baseline && sys.baseline.hash !== sys.hash) void props.source.diff(sys.baseline.hash, sys.hash).then(setDiff);
  }, [props.open, sys?.hash]);
  if (!sys) return null;
  const b = sys.baseline;
  const rel = !b ? "no baseline variant in this folder" : b.hash === sys.hash ? (props.d.variant === "baseline" ? "this is the baseline variant" : "same as the baseline variant") : `differs from the baseline variant (${b.condition})`;
  return html`<details class="system" open=${props.open} onToggle=${(e: Event) => props.setOpen((e.target as HTMLDetailsElement).open)}>
    <summary>System prompt <code title=${sys.hash}>sha256 ${sys.hash.slice(0, 12)}…</code> · ${sys.chars.toLocaleString()} chars · <span class=${b && b.hash !== sys.hash ? "differs" : ""}>${rel}</span></summary>
    ${b && b.hash !== sys.hash
      ? html`<div class="tabs"><button class=${tab === "text" ? "on" : ""} onClick=${() => setTab("text")}>text</button><button class=${tab === "diff" ? "on" : ""} data-tab="diff" onClick=${() => setTab("diff")}>diff against baseline${diff ? ` (+${diff.added} −${diff.removed} lines)` : ""}</button></div>`
      : null}
    ${tab === "diff" && diff
      ? html`<pre class="diff">${diff.lines.map((l) => html`<div class=${`dl ${l.op === "+" ? "add" : l.op === "-" ? "del" : l.op === "…" ? "skip" : ""}`}>${l.op === "…" ? `… ${l.text} …` : `${l.op} ${l.text}`}</div>`)}</pre>`
      : html`<pre class="text system-text">${text ?? "loading…"}</pre>`}
  </details>`;
}

function LabelPanel(props: { d: Detail; source: Source; canLabel: boolean; onSaved: (l: HumanLabel | null) => void; pending: HumanLabel["label"] | "clear" | null; clearPending: () => void }) {
  const { d } = props;
  const [note, setNote] = useState(d.label?.note ?? "");
  const [status, setStatus] = useState<string>(d.label ? `labelled ${d.label.label} at ${d.label.labelled_at}` : "not labelled");
  useEffect(() => {
    setNote(d.label?.note ?? "");
    setStatus(d.label ? `labelled ${d.label.label} at ${d.label.labelled_at}` : "not labelled");
  }, [d.id]);
  const save = async (label: HumanLabel["label"] | null) => {
    setStatus("saving…");
    try {
      const r = await props.source.label(d.id, label, note);
      props.onSaved(r.label);
      setStatus(r.label ? `saved: ${r.label.label} → ${r.file}` : `label cleared in ${r.file}`);
    } catch (e) {
      setStatus(`not saved: ${(e as Error).message}`);
    }
  };
  useEffect(() => {
    if (props.pending === null) return;
    void save(props.pending === "clear" ? null : props.pending);
    props.clearPending();
  }, [props.pending]);
  if (!props.canLabel) {
    return html`<div class="label-panel readonly">Your label: <b>${d.label ? d.label.label : "none"}</b>${d.label?.note ? ` — ${d.label.note}` : ""} <span class="dim">(labelling needs <code>afw view</code>; a static export is read-only)</span></div>`;
  }
  return html`<div class="label-panel">
    <span>Your label:</span>
    ${LABELS.map(
      ([v, name, key]) => html`<button data-label=${v} class=${d.label?.label === v ? "on" : ""} title=${`key ${key}`} onClick=${() => save(v)}>${name} <kbd>${key}</kbd></button>`,
    )}
    <button data-label="clear" title="key 0" onClick=${() => save(null)}>clear <kbd>0</kbd></button>
    <textarea id="label-note" placeholder="note (saved with the label)" value=${note} onInput=${(e: Event) => setNote((e.target as HTMLTextAreaElement).value)}></textarea>
    <div id="label-status" class="dim">${status}</div>
  </div>`;
}

function Turns(props: { d: Detail; compact?: boolean }) {
  const { d } = props;
  return html`${d.turns.map(
    (t, ti) => html`<div class="turn" data-turn=${ti}>
      <div class="turn-head">${d.turns.length > 1 ? `Assistant turn ${ti + 1}` : "Assistant"} <span class="dim">${t.finish_reason ? `finish ${t.finish_reason}` : ""}${t.tokens ? ` · ${t.tokens.completion} tokens out` : ""}</span></div>
      ${t.reasoning
        ? html`<div class="seg seg-reasoning"><div class="seg-name">provider reasoning, returned apart (${t.reasoning.source})</div><pre class="text">${t.reasoning.text}</pre></div>`
        : null}
      ${t.segments.length ? t.segments.map((s, si) => html`<${SegmentBox} seg=${s} quotes=${d.quotes} addr=${`${ti}.${si}`} />`) : html`<div class="dim">(no text)</div>`}
    </div>`,
  )}`;
}

function Facts(props: { d: Detail }) {
  const { d } = props;
  const tags = d.accepted === null ? "no tag" : d.accepted ? (d.accept_then_refuse ? "accepted, then refused" : "accepted") : "rejected";
  const f = Object.entries(d.factors);
  return html`<div class="facts-line">
    <span><i>model</i> ${d.model}${d.model_snapshot && d.model_snapshot !== d.model ? ` (${d.model_snapshot})` : ""}</span>
    <span><i>condition</i> ${d.condition}</span>
    ${f.map(([k, v]) => html`<span class="factor"><i>${k}</i> ${String(v)}</span>`)}
    <span><i>tier</i> <b>${d.tier}</b></span>
    <span><i>query</i> ${d.query_id}${d.category ? ` (${d.category})` : ""}</span>
    <span><i>sample</i> ${d.sample}</span>
    <span><i>tags</i> ${tags}</span>
    <span class=${d.outcome === "reply" ? "" : "warn"}><i>outcome</i> ${d.outcome}${d.finish_reason ? ` (${d.finish_reason})` : ""}</span>
    ${d.usage ? html`<span><i>tokens</i> ${d.usage.prompt_tokens} in, ${d.usage.completion_tokens} out${d.usage.reasoning_tokens ? `, ${d.usage.reasoning_tokens} reasoning` : ""}</span>` : null}
    ${d.provider ? html`<span><i>provider</i> ${d.provider}</span>` : null}
    ${d.folder ? html`<span class="dim"><i>folder</i> ${d.folder}</span>` : null}
  </div>
  <div class="chips judges-line">
    ${d.judges.filter((j) => j.current).map((j) => html`<span class="label-chip" title=${j.version}><i>${j.judge}</i> ${j.valid ? (j.label ?? "—") : "invalid"}${j.score !== null ? ` ${j.score.toFixed(2)}` : ""}</span>`)}
  </div>`;
}

export interface TranscriptProps {
  source: Source;
  id: string;
  nav: Nav | null;
  canLabel: boolean;
  systemOpen: boolean;
  setSystemOpen: (o: boolean) => void;
  go: (id: string) => void;
  close: () => void;
  compare: () => void;
  onLabelled: () => void;
  pendingLabel: HumanLabel["label"] | "clear" | null;
  clearPendingLabel: () => void;
  permalink: string;
}

export function Transcript(p: TranscriptProps) {
  const [d, setD] = useState<Detail | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const pane = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    setErr(null);
    p.source
      .detail(p.id)
      .then((x) => {
        if (!live) return;
        if (!x) setErr(`no sample ${p.id} in these folders`);
        setD(x);
        pane.current?.scrollTo(0, 0);
      })
      .catch((e: Error) => live && setErr(e.message));
    return () => {
      live = false;
    };
  }, [p.id]);
  const nav = p.nav;
  const bar = html`<div class="pane-bar">
    <button id="prev" disabled=${!nav?.prev} onClick=${() => nav?.prev && p.go(nav.prev)} title="previous in the filter (k or ↑)">◀ prev</button>
    <span id="position">${nav ? (nav.index >= 0 ? `${nav.index + 1} of ${nav.total}` : `not in the filter (${nav.total})`) : ""}</span>
    <button id="next" disabled=${!nav?.next} onClick=${() => nav?.next && p.go(nav.next)} title="next in the filter (j or ↓)">next ▶</button>
    <button id="compare-tiers" onClick=${p.compare} title="the same query in every tier (t)">compare tiers</button>
    <a class="permalink" href=${p.permalink} title="a stable link to this sample">link</a>
    <span class="grow"></span>
    <button onClick=${p.close} title="back to the table (Esc)">✕</button>
  </div>`;
  if (err) return html`<div class="pane" id="transcript">${bar}<div class="error">${err}</div></div>`;
  if (!d || d.id !== p.id) return html`<div class="pane" id="transcript">${bar}<div class="dim pad">loading…</div></div>`;
  return html`<div class="pane" id="transcript" data-id=${d.id} ref=${pane}>
    ${bar}
    <div class="pad">
      <h2>${d.query_text ?? d.query_id}</h2>
      <${Facts} d=${d} />
      <${LabelPanel} d=${d} source=${p.source} canLabel=${p.canLabel} pending=${p.pendingLabel} clearPending=${p.clearPendingLabel} onSaved=${(l: HumanLabel | null) => {
        setD({ ...d, label: l });
        p.onLabelled();
      }} />
      ${d.error ? html`<div class="error">error: ${d.error}</div>` : null}
      <${SystemPrompt} d=${d} source=${p.source} open=${p.systemOpen} setOpen=${p.setSystemOpen} />
      ${d.messages.map((m) => html`<div class=${`msg msg-${m.role}`}><div class="seg-name">${m.role === "user" ? "user turn" : m.role === "prefill" ? "prefill (sent as the start of the assistant turn)" : m.role}</div><pre class="text">${m.content}</pre></div>`)}
      <${Turns} d=${d} />
      <h3>Judges</h3>
      ${d.judges.length ? d.judges.map((j) => html`<${JudgeBox} j=${j} quotes=${d.quotes} />`) : html`<div class="dim">not judged (run afw judge)</div>`}
    </div>
  </div>`;
}

export function Compare(p: { source: Source; id: string; back: () => void; open: (id: string) => void }) {
  const [cols, setCols] = useState<Detail[] | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    (async () => {
      const d = await p.source.detail(p.id);
      if (!d) throw new Error(`no sample ${p.id}`);
      const all = await Promise.all(d.siblings.map((s) => (s.id === d.id ? d : p.source.detail(s.id))));
      if (live) setCols(all.filter((x): x is Detail => x !== null));
    })().catch((e: Error) => live && setErr(e.message));
    return () => {
      live = false;
    };
  }, [p.id]);
  const head = html`<div class="pane-bar"><button onClick=${p.back} title="back to the transcript (Esc or t)">◀ transcript</button><b>Tier comparison</b><span class="dim">same model, condition, query and sample index</span></div>`;
  if (err) return html`<div class="pane wide" id="compare">${head}<div class="error">${err}</div></div>`;
  if (!cols) return html`<div class="pane wide" id="compare">${head}<div class="dim pad">loading…</div></div>`;
  const first = cols[0];
  return html`<div class="pane wide" id="compare" data-tiers=${cols.map((c) => c.tier).join(",")}>
    ${head}
    <div class="pad">
      <h2>${first.query_text ?? first.query_id}</h2>
      <div class="dim">${first.model} · ${first.condition} · query ${first.query_id} · sample ${first.sample}</div>
      ${cols.length < 2 ? html`<div class="warn">This folder has this sample in one tier only.</div>` : null}
      <div class="compare-cols" style=${{ gridTemplateColumns: `repeat(${cols.length}, minmax(0, 1fr))` }}>
        ${cols.map(
          (d) => html`<div class="compare-col" data-tier=${d.tier}>
            <h3><a href="#" onClick=${(e: Event) => {
              e.preventDefault();
              p.open(d.id);
            }}>${d.tier} tier</a></h3>
            <div class="chips">
              <span class="label-chip">${d.accepted === null ? "no tag" : d.accepted ? "accepted" : "rejected"}</span>
              ${d.judges.filter((j) => j.current).map((j) => html`<span class="label-chip" title=${j.version}>${j.judge}: ${j.valid ? j.label : "invalid"}${j.score !== null ? ` ${j.score.toFixed(2)}` : ""}</span>`)}
              ${d.outcome !== "reply" ? html`<span class="label-chip warn">${d.outcome}</span>` : null}
            </div>
            <${Turns} d=${d} />
          </div>`,
        )}
      </div>
    </div>
  </div>`;
}
