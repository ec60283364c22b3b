import { resolve } from "node:path";
import { EXIT_FATAL_PROVIDER, getProfile, loadProfileFile, probeEndpoint, resolveProfile } from "../../models/index";
import { AfwError } from "../../util/errors";
import { writeFileAtomic } from "../../util/fsx";
import { listFlag, numFlag, parseFlags, redactUrl } from "../args";
import type { Command } from "../command";

const HELP = `afw probe — what an endpoint actually does, before a run pays for it

  --base-url URL       the endpoint (default: the --provider's own address, else OPENAI_BASE_URL)
  --model ID           the model to probe
  --provider NAME      the profile to compare with (default: inferred from the URL; see afw providers)
  --provider-file F    compare with a saved profile instead
  --provider-order A,B OpenRouter: pin the upstream providers, in order, no fallbacks; every
                       probe request is sent with the pin, and --save keeps it in the profile
                       (a run with --provider-file sends it too)
  --api-key KEY        API key (or the profile's key variable, e.g. ANTHROPIC_API_KEY, or OPENAI_API_KEY); never written anywhere
  --save FILE          write what was found as a profile file; runs load it with --provider-file FILE
  --timeout S          per-request timeout in seconds (default 60)
  --json               the report as JSON
  --today YYYY-MM-DD   date stamped on a saved profile (default: today)

About 8 requests of at most 16 tokens each (512 for reasoning models): the token-limit parameter,
temperature 0, n=2, prefill continuation (trailing assistant turn, vLLM's
continue_final_message, DeepSeek's prefix), where reasoning comes back, and
the error body of an unknown model. Prints the cost.
Exit codes: 0 probed, 2 bad input, ${EXIT_FATAL_PROVIDER} the endpoint refused (bad key, unknown model, no credit).`;

const FLAGS = {
  "base-url": { type: "string" },
  model: { type: "string" },
  provider: { type: "string" },
  "provider-file": { type: "string" },
  "provider-order": { type: "string" },
  "api-key": { type: "string" },
  save: { type: "string" },
  timeout: { type: "string" },
  json: { type: "boolean" },
  today: { type: "string" },
} as const;

async function run(argv: string[], out: (s: string) => void, log: (s: string) => void, env: NodeJS.ProcessEnv): Promise<number> {
  const { values: v } = parseFlags("probe", argv, FLAGS);
  if (v.provider && v["provider-file"]) throw new AfwError("afw probe: give --provider or --provider-file, not both");
  const named = v["provider-file"] ? loadProfileFile(v["provider-file"]) : v.provider ? getProfile(v.provider) : null;
  const baseURL = v["base-url"] ?? named?.baseURL ?? env.OPENAI_BASE_URL;
  if (!baseURL) throw new AfwError(`afw probe: --base-url is required${named ? ` (${named.name} has no default address)` : ""} (see afw probe --help)`);
  if (!/^https?:\/\//i.test(baseURL)) throw new AfwError(`afw probe: --base-url must start with http:// or https://, got "${baseURL}"`);
  if (!v.model) throw new AfwError("afw probe: --model is required (see afw probe --help)");
  const profile = named ?? resolveProfile(undefined, baseURL);
  const order = v["provider-order"] === undefined ? (profile.providerOrder ?? null) : listFlag(v["provider-order"], []);
  if (order !== null && !order.length) throw new AfwError("afw probe: --provider-order needs at least one provider name (e.g. --provider-order Together)");
  if (order && !profile.pinnable) throw new AfwError(`afw probe: --provider-order pins the upstream of a router (openrouter), not ${profile.name}`);
  const apiKey = v["api-key"] ?? env[profile.keyEnv] ?? env.OPENAI_API_KEY ?? "EMPTY";
  const timeoutMs = Math.round(numFlag("probe", "timeout", v.timeout, 60, 0.001, 3600)! * 1000);
  const savePath = v.save ? resolve(v.save) : null;

  const pin = order ? `, pinned to ${order.join(", ")} (no fallbacks)` : "";
  log(`afw probe: ${redactUrl(baseURL)} as ${profile.name}, model ${v.model}${pin}`);
  const r = await probeEndpoint({ baseURL, apiKey, model: v.model, profile, timeoutMs, today: v.today, providerOrder: order });
  if (r.fatal) {
    log(`afw probe: ${profile.label}: ${r.fatal}`);
    return EXIT_FATAL_PROVIDER;
  }
  if (v.json) out(JSON.stringify({ ...r, profile: undefined, saved_profile: r.profile }, null, 2));
  else {
    out(`${profile.name} at ${redactUrl(baseURL)}, model ${v.model}${r.snapshot ? ` (answered as ${r.snapshot}${r.upstream ? ` by ${r.upstream}` : ""})` : ""}${pin}`);
    const rows = [["feature", "profile and rules say", "endpoint does", ""], ...r.findings.map((f) => [f.feature, f.expected, f.observed, f.verdict])];
    const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i].length)));
    for (const row of rows) out(`  ${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2]}${row[3] ? `  [${row[3]}]` : ""}`);
    const usd = r.usd === null ? "unpriced (no price known for this model)" : `$${r.usd.toFixed(6)}${r.price_source ? ` (${r.price_source})` : ""}`;
    out(`  cost: ${r.requests} requests, ${r.prompt_tokens} prompt + ${r.completion_tokens} completion tokens, ${usd}`);
  }
  if (savePath) {
    writeFileAtomic(savePath, JSON.stringify(r.profile, null, 2) + "\n");
    log(`afw probe: saved ${savePath} (use it with --provider-file ${v.save})`);
  }
  return 0;
}

export const command: Command = {
  summary: "probe an endpoint: n, prefill, temperature, token limit, reasoning, error bodies (and what it cost)",
  help: HELP,
  run: (argv, io) => run(argv, io.out, io.log, io.env),
};
