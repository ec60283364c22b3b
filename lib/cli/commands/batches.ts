import { existsSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { EXIT_FATAL_PROVIDER, findProfile, FatalProviderError } from "../../models/index";
import { JournalWriter, openBatchBackend, readJournal, type BatchStatus, type JournalBatch } from "../../models/batch/index";
import { BATCHES_DIR, listBatchJournals } from "../../store/index";
import { AfwError } from "../../util/errors";
import { parseFlags, redactUrl } from "../args";
import type { Command } from "../command";

const HELP = `afw batches DIR — the provider batches of a results folder: state, counts, age; cancel them

  DIR                  a results folder of a run or judge with --batch (it holds ${BATCHES_DIR}/<provider>.jsonl,
                       one journal per provider)
  --provider NAME      only the batches sent to this provider (openai, anthropic)
  --base-url URL       the provider's endpoint (default: the one in the journal)
  --api-key KEY        API key (or ANTHROPIC_API_KEY / OPENAI_API_KEY); never written anywhere
  --no-poll            show what the journal knows, without asking the provider
  --cancel             cancel every batch still running at the provider (the run stops when it sees
                       the cancellation; the same command again sends the cancelled rows anew)
  --batch SEQ|ID       only this batch (its number in the journal, or the provider's id)
  --json               one JSON object a batch

Without --no-poll, batches that have not been read yet are polled (a key is needed).
Exit codes: 0 shown (or cancelled), 2 bad input, ${EXIT_FATAL_PROVIDER} the provider refused (bad key, no permission).`;

const FLAGS = {
  provider: { type: "string" },
  "base-url": { type: "string" },
  "api-key": { type: "string" },
  "no-poll": { type: "boolean" },
  cancel: { type: "boolean" },
  batch: { type: "string" },
  json: { type: "boolean" },
} as const;

/** "3 h 12 min", "45 s". */
export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** The journal's own word for where a batch stands. */
function stateOf(b: JournalBatch): string {
  if (b.downloaded) return b.ended ? `read (${b.ended.status})` : "closed";
  if (b.ended) return b.ended.status;
  if (b.batchId) return "submitted";
  if (b.creatingAt !== null) return "creating";
  if (b.submittingAt !== null) return "submitting";
  return "planned";
}

async function run(argv: string[], out: (s: string) => void, log: (s: string) => void, env: NodeJS.ProcessEnv): Promise<number> {
  const { values: v, positionals } = parseFlags("batches", argv, FLAGS, 1);
  if (!positionals[0]) throw new AfwError("afw batches: give the results folder (see afw batches --help)");
  const dir = resolve(positionals[0]);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new AfwError(`afw batches: ${positionals[0]} is not a folder`);
  let journals = listBatchJournals(dir);
  if (!journals.length) throw new AfwError(`afw batches: ${join(positionals[0], BATCHES_DIR)} holds no batch journal (only afw run or afw judge with --batch write one)`);
  if (v.provider !== undefined) {
    journals = journals.filter((j) => j.provider === v.provider);
    if (!journals.length) throw new AfwError(`afw batches: no batches sent to "${v.provider}" in ${positionals[0]} (found: ${listBatchJournals(dir).map((j) => j.provider).join(", ")})`);
  }
  if (v.cancel && v["no-poll"]) throw new AfwError("afw batches: --cancel needs the provider; drop --no-poll");
  if (v["base-url"] !== undefined && journals.length > 1) throw new AfwError(`afw batches: --base-url applies to one provider's batches; add --provider (${journals.map((j) => j.provider).join(" or ")})`);
  // Read every journal before asking anything, so bad input stops before any request.
  const read = journals.map((jn) => {
    const j = readJournal(jn.path, { repair: false });
    if (!j.job) throw new AfwError(`afw batches: ${relative(process.cwd(), jn.path) || jn.path}: no job record (the journal is empty or not a batch journal)`);
    return { ...jn, j, job: j.job };
  });
  if (v.batch !== undefined) {
    const want = v.batch.trim();
    if (!read.some((r) => [...r.j.batches.values()].some((b) => String(b.seq) === want || b.batchId === want))) {
      throw new AfwError(`afw batches: no batch "${want}" in ${positionals[0]} (give its number or the provider's id)`);
    }
  }
  let first = true;
  for (const { j, job, path } of read) {
    let batches = [...j.batches.values()].sort((a, b) => a.seq - b.seq);
    if (v.batch !== undefined) {
      const want = v.batch.trim();
      batches = batches.filter((b) => String(b.seq) === want || b.batchId === want);
      if (!batches.length) continue;
    }
    const provider = job.provider;
    const baseURL = v["base-url"] ?? job.base_url;
    if (!/^https?:\/\//i.test(baseURL)) throw new AfwError(`afw batches: --base-url must start with http:// or https://, got "${baseURL}"`);
    const keyEnv = findProfile(provider)?.keyEnv ?? (provider === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
    const apiKey = v["api-key"] ?? env[keyEnv] ?? "";
    const live = batches.filter((b) => b.batchId && !b.downloaded);
    const poll = !v["no-poll"] && live.length > 0;
    if ((poll || v.cancel) && !apiKey) throw new AfwError(`afw batches: polling the ${provider} batches needs the API key: --api-key or ${keyEnv} (or --no-poll)`);
    const status = new Map<number, BatchStatus>();
    if (poll || v.cancel) {
      const backend = openBatchBackend({ provider, baseURL, apiKey, maxAttempts: 3, retryBaseMs: 500 });
      const signal = new AbortController().signal;
      try {
        for (const b of live) {
          let s = await backend.poll(b.batchId!, signal);
          if (v.cancel && !s.terminal && s.phase !== "cancelling") {
            s = await backend.cancel(b.batchId!, signal);
            const w = new JournalWriter(path);
            w.append({ t: "cancel", seq: b.seq, at: Date.now() });
            w.close();
            log(`afw batches: cancelled ${provider} batch ${b.seq} (${b.batchId}); the run stops when it sees it, and the same command sends its unanswered rows again`);
          }
          status.set(b.seq, s);
        }
      } catch (e) {
        if (e instanceof FatalProviderError) {
          log(`afw batches: ${e.message}`);
          return EXIT_FATAL_PROVIDER;
        }
        throw e;
      } finally {
        backend.close();
      }
    }
    const now = Date.now();
    const rows = batches.map((b) => {
      const s = status.get(b.seq) ?? null;
      // Handed over from this batch's own results: a retry batch reuses the ids of the rows it sends again.
      const delivered = b.handedOver.size;
      // The rows as read (OpenAI's counts fold cancelled rows into failed; its rows say batch_cancelled).
      const counts = s?.counts ?? (b.kinds ? { ...b.kinds, total: b.rows.length, processing: 0 } : null) ?? b.ended?.counts ?? null;
      return {
        provider,
        seq: b.seq,
        batch_id: b.batchId,
        model: b.model,
        round: b.round,
        requests: b.rows.length,
        state: s ? s.status : stateOf(b),
        counts,
        handed_over: delivered,
        age_s: Math.round((now - (b.submittingAt ?? b.plannedAt)) / 1000),
        cancelled: b.cancelled || (s?.cancelled ?? false),
      };
    });
    if (v.json) {
      for (const r of rows) out(JSON.stringify(r));
      continue;
    }
    if (!first) out("");
    first = false;
    out(`${provider} at ${redactUrl(baseURL)}, job ${job.tag}: ${j.batches.size} batch(es), ${j.delivered.size} result(s) handed over${poll ? "" : " (from the journal; not polled)"}`);
    const table = [["#", "batch id", "model", "retry", "requests", "state", "done", "ok", "errored", "expired", "cancelled", "handed over", "age"]];
    for (const r of rows) {
      const c = r.counts;
      table.push([
        String(r.seq),
        r.batch_id ?? "—",
        r.model,
        String(r.round),
        String(r.requests),
        r.state + (r.cancelled && !/cancel/.test(r.state) ? " (cancelled)" : ""),
        c ? String(c.succeeded + c.errored + c.expired + c.canceled) : "—",
        c ? String(c.succeeded) : "—",
        c ? String(c.errored) : "—",
        c ? String(c.expired) : "—",
        c ? String(c.canceled) : "—",
        String(r.handed_over),
        age(r.age_s * 1000),
      ]);
    }
    const w = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    for (const row of table) out("  " + row.map((x, i) => (i >= 3 && i !== 5 && i !== 2 ? x.padStart(w[i]) : x.padEnd(w[i]))).join("  "));
  }
  return 0;
}

export const command: Command = {
  summary: "the provider batches of a results folder: state, counts, age; --cancel",
  help: HELP,
  run: (argv, io) => run(argv, io.out, io.log, io.env),
};
