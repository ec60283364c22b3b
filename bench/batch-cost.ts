/**
 * What the figure1 experiment costs synchronously, with prompt caching, and
 * as provider batches (issue 13, item 4): the requests come from
 * planExperiment (the plan `afw run figure1 --dry-run` prints), the
 * prompts are rendered and counted with OpenAI's tokenizer where the model
 * is OpenAI's (approximate elsewhere), and priced from the dated table.
 *
 * Two sweeps: the paper's five models (two of them Claude models now
 * retired, three served only by providers without a batch API driven here
 * or a price in the table), and the same experiment with two current models
 * at the two providers whose batch APIs the workbench drives.
 *
 * The plan → requests mapping is lib/experiments/estimate.ts, the same one
 * `afw run EXPERIMENT --dry-run` prints.
 *
 * Run: npx tsx bench/batch-cost.ts [hit rate, default 0.3]
 */
import { projectRoot } from "../lib/util/paths";
import { defaultPlacement, getExperiment, planEstimateRequests, planExperiment } from "../lib/experiments/index";
import { estimateSweepCost, formatEstimate } from "../lib/models/index";
import { shippedQueries } from "../lib/queries/index";

async function main(): Promise<void> {
  const h = Number(process.argv[2] ?? 0.3);
  const e = getExperiment("figure1");
  const queries = shippedQueries(projectRoot());
  for (const [title, models] of [
    ["figure1 with the paper's models", undefined],
    ["figure1 with two current models (Claude Sonnet 4.5 at Anthropic, GPT-4o at OpenAI)", ["claude-sonnet-4-5", "gpt-4o"]],
  ] as const) {
    const plan = planExperiment(e, { queries, offline: false, models: models ? [...models] : undefined });
    const t0 = performance.now();
    const est = await estimateSweepCost(planEstimateRequests(plan, defaultPlacement), { batchCacheHitRate: h });
    console.log(`\n## ${title}: ${plan.requests.toLocaleString("en-US")} requests (n = ${e.n} per tier and model), estimated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log(formatEstimate(est));
  }
}

main();
