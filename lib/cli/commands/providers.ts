import { listProfiles, getProfile, RETIREMENTS, retirementOf, todayIso, MODEL_RULES, BATCH_PROVIDERS, batchClause, batchSupport } from "../../models/index";
import { parseFlags } from "../args";
import type { Command } from "../command";

const HELP = `afw providers — what each provider profile can and cannot do

  afw providers              the table of profiles
  afw providers NAME         one profile in full: notes and the documentation behind it
  afw providers --retired    retirement dates of the papers' models (as of today)
  afw providers --models     the model-level rules (reasoning models, prefill limits)
  --json                     the same as JSON
  --today YYYY-MM-DD         date for --retired (default: today)

A run picks a profile with --provider NAME, or from a file written by
afw probe --save (--provider-file FILE), or infers it from --base-url.`;

const FLAGS = {
  json: { type: "boolean" },
  retired: { type: "boolean" },
  models: { type: "boolean" },
  today: { type: "string" },
} as const;

function pad(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd());
}

async function run(argv: string[], out: (s: string) => void): Promise<number> {
  const { values: v, positionals } = parseFlags("providers", argv, FLAGS, 1);
  const today = v.today ?? todayIso();
  if (v.today !== undefined && !/^\d{4}-\d\d-\d\d$/.test(v.today)) {
    const { AfwError } = await import("../../util/errors");
    throw new AfwError(`afw providers: --today must be YYYY-MM-DD, got "${v.today}"`);
  }
  if (v.retired) {
    const rows = RETIREMENTS.map((r) => {
      const st = retirementOf([r.vendor], r.ids[0].replace(/\*$/, ""), today);
      return { vendor: r.vendor, models: r.ids.join(" "), date: r.date, state: st ? st.state : "current", note: r.note, source: r.source };
    });
    if (v.json) out(JSON.stringify(rows, null, 2));
    else {
      out(`Retirements as of ${today} (from the vendors' deprecation pages, below):`);
      for (const l of pad([["vendor", "date", "state", "models"], ...rows.map((r) => [r.vendor, r.date, r.state, r.models])])) out("  " + l);
      out("Sources:");
      for (const src of [...new Set(rows.map((r) => r.source))]) out(`  ${src}  (${rows.filter((r) => r.source === src).map((r) => `${r.vendor} ${r.date}`).join(", ")})`);
    }
    return 0;
  }
  if (v.models) {
    const rows = MODEL_RULES.map((r) => ({ name: r.name, match: String(r.match), providers: r.providers ?? ["any"], tokenParam: r.tokenParam ?? null, temperature: r.temperature ?? null, prefill: r.prefill === false ? "rejected" : null, note: r.note, source: r.source }));
    if (v.json) out(JSON.stringify(rows, null, 2));
    else for (const r of rows) out(`${r.name} ${r.match} at ${r.providers.join(",")}: ${r.note} (${r.source})`);
    return 0;
  }
  if (positionals.length) {
    const p = getProfile(positionals[0]);
    if (v.json) {
      out(JSON.stringify({ ...p, batch_here: batchSupport(p) === "driven" }, null, 2));
      return 0;
    }
    out(`${p.name} — ${p.label}`);
    out(`  base URL        ${p.baseURL ?? "(your server)"}   key in ${p.keyEnv}`);
    out(`  wire            ${p.wire === "anthropic" ? "Anthropic Messages API" : "OpenAI-shaped chat/completions"}`);
    out(`  token limit     ${p.tokenParam}`);
    out(`  temperature     ${p.temperature.allowed ? `0..${p.temperature.max}` : "not accepted"}`);
    out(`  n               ${p.maxN === null ? "unknown (tried, then one request per vote)" : p.maxN === 1 ? "1 (one request per vote)" : `up to ${p.maxN}`}`);
    out(`  prefill         ${p.prefill}`);
    out(`  reasoning       ${p.reasoning.length ? p.reasoning.join(", ") : "not returned"}`);
    out(`  error bodies    ${p.errorShape}`);
    out(`  completions     ${p.completions ? "yes (base models)" : "no"}`);
    out(`  batch API       ${batchClause(p)}`);
    for (const n of p.notes) out(`  - ${n}`);
    for (const s of p.sources) out(`  source: ${s}`);
    return 0;
  }
  const profiles = listProfiles();
  if (v.json) {
    out(JSON.stringify(profiles.map((p) => ({ ...p, batch_here: batchSupport(p) === "driven" })), null, 2));
    return 0;
  }
  const rows = [
    ["provider", "wire", "token limit", "temp", "n", "prefill", "reasoning", "batch", "base URL"],
    ...profiles.map((p) => [
      p.name,
      p.wire,
      p.tokenParam,
      p.temperature.allowed ? `0-${p.temperature.max}` : "no",
      p.maxN === null ? "?" : String(p.maxN),
      p.prefill,
      p.reasoning.length ? p.reasoning.join(",") : "-",
      { driven: "yes", "provider-only": "not here", none: "no" }[batchSupport(p)],
      p.baseURL ?? "(yours)",
    ]),
  ];
  for (const l of pad(rows)) out(l);
  out("");
  out(`batch: yes = afw run / afw judge --batch use the provider's batch API (about half price); not here = the provider has one, but the workbench drives batches only at ${BATCH_PROVIDERS.join(" and ")}.`);
  out("afw providers NAME for notes and sources; afw providers --retired for retirement dates; afw probe to test an endpoint.");
  return 0;
}

export const command: Command = {
  summary: "list the provider profiles (what each can do for these experiments)",
  help: HELP,
  run: (argv, io) => run(argv, io.out),
};
