/**
 * Judge benchmark (issue 4): what 20 AF votes cost per judged sample when
 * they come as ONE request with the n parameter, against the fallback of one
 * request per vote. Runs against the local organism server (scripted judge),
 * without the cache, and counts requests at the server and prompt tokens
 * from the reported usage. Also checks both ways give the same votes.
 * Run: npx tsx bench/judge.bench.ts [SAMPLES] [VOTES]
 */
import { ModelClient } from "../lib/models";
import { startOrganismServer } from "../lib/organisms";
import { generateLabelledSet } from "../lib/organisms/judge-labels";
import { judgeAf } from "../lib/classify";

async function main(): Promise<void> {
  const samples = Number(process.argv[2] ?? 40);
  const votes = Number(process.argv[3] ?? 20);
  const set = generateLabelledSet(samples, { seed: 9 });
  const server = await startOrganismServer();
  try {
    const measure = async (useN: boolean, model: string) => {
      const client = new ModelClient({ baseURL: server.url, apiKey: "x", concurrency: 16 });
      const before = server.stats().requests;
      const t0 = performance.now();
      let prompt = 0;
      const flags: (boolean | null)[][] = [];
      for (const e of set) {
        const r = await judgeAf({ scratchpad: e.scratchpad }, { client, judgeModel: model, votes, useN });
        prompt += r.usage.prompt_tokens;
        flags.push(r.judgement.votes ?? []);
      }
      return { requests: server.stats().requests - before, prompt, ms: performance.now() - t0, flags };
    };
    const viaN = await measure(true, "sim-judge");
    const fallback = await measure(false, "sim-judge");
    const detected = await measure(true, "sim-judge@n=0"); // provider without n: probe once, then fall back
    const same = JSON.stringify(viaN.flags) === JSON.stringify(fallback.flags);
    const row = (name: string, m: typeof viaN) =>
      `${name.padEnd(30)} ${String(m.requests).padStart(8)} ${(m.requests / samples).toFixed(2).padStart(10)} ${String(m.prompt).padStart(10)} ${(m.prompt / samples).toFixed(0).padStart(12)} ${m.ms.toFixed(0).padStart(8)}`;
    console.log(`AF judge, ${votes} votes per sample, ${samples} samples, local organism server, no cache`);
    console.log(`${"way".padEnd(30)} ${"requests".padStart(8)} ${"req/sample".padStart(10)} ${"prompt tok".padStart(10)} ${"tok/sample".padStart(12)} ${"ms".padStart(8)}`);
    console.log(row("n parameter (one request)", viaN));
    console.log(row("fallback (one per vote)", fallback));
    console.log(row("no-n provider, detected", detected));
    console.log(`prompt-token ratio fallback / n-path: ${(fallback.prompt / viaN.prompt).toFixed(1)}x (target >= 10x)`);
    console.log(`request ratio fallback / n-path: ${(fallback.requests / viaN.requests).toFixed(1)}x; same votes both ways: ${same}`);
  } finally {
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
