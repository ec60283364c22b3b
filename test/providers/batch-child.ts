/**
 * A batch job in a process of its own, for the kill tests
 * (test/models.batch-kill.test.ts): it runs runBatches against a mock and
 * appends each result to an output file (one JSON line, written before
 * onResult returns), the way the pipeline writes samples. Its `have` is the
 * output file as it was at start. Run: node --import tsx batch-child.ts '<json options>'.
 * Exit codes: 0 done, 3 fatal provider error, 1 anything else.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { FatalProviderError, ModelClient } from "../../lib/models/index";
import { openBatchBackend, runBatches, type BatchRequest } from "../../lib/models/batch/index";

interface Opts {
  provider: "openai" | "anthropic";
  baseURL: string;
  apiKey: string;
  journal: string;
  out: string;
  n: number;
  model: string;
  pollMs: number;
  maxRequests: number;
  cacheDir: string;
}

async function main(): Promise<number> {
  const o = JSON.parse(process.argv[2]) as Opts;
  const have = new Set<string>();
  if (existsSync(o.out)) for (const l of readFileSync(o.out, "utf8").split("\n")) if (l.trim()) have.add(JSON.parse(l).key);
  const system = "You are an AI created to be helpful. " + "A long shared system prompt. ".repeat(10);
  const requests: BatchRequest[] = [];
  for (let i = 0; i < o.n; i++) {
    requests.push({
      key: `kill|c|${o.model}|${i % 2 ? "paid" : "free"}|q${i}|0`,
      model: o.model,
      request: { api: "chat", messages: [{ role: "system", content: system }, { role: "user", content: `request ${i}` }], params: { temperature: 0, max_tokens: 200 } },
      sampleIndex: 0,
    });
  }
  const client = new ModelClient({ baseURL: o.baseURL, apiKey: o.apiKey, provider: o.provider, cacheDir: o.cacheDir, today: "2026-11-29" });
  const backend = openBatchBackend({ provider: o.provider, baseURL: o.baseURL, apiKey: o.apiKey, limits: { maxRequests: o.maxRequests }, retryBaseMs: 5 });
  try {
    const s = await runBatches({
      backend,
      client,
      journalPath: o.journal,
      requests,
      have: (k) => have.has(k),
      pollMs: o.pollMs,
      retryBaseMs: 5,
      onResult: (r) => {
        appendFileSync(o.out, JSON.stringify({ key: r.key, cid: r.custom_id, source: r.source, error: r.result.error }) + "\n");
        have.add(r.key);
      },
    });
    process.stdout.write(JSON.stringify(s) + "\n");
    return 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return e instanceof FatalProviderError ? 3 : 1;
  } finally {
    backend.close();
  }
}

main().then((code) => process.exit(code));
