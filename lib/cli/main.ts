import { AfwError } from "../util/errors";

export const HELP = `afw — the af-workbook command

  afw run [flags]          generate samples against an endpoint or the offline organisms
  afw report DIR           rates by tier and the compliance gap with 95% CIs, plus figures
  afw serve                serve the simulated organisms on 127.0.0.1 (OpenAI-compatible)
  afw demo                 the offline main job: run, report, figures (npm start)
  afw notebooks            execute the notebooks headless (Node only)

  afw COMMAND --help       the flags of one command`;

const out = (s: string) => process.stdout.write(s + "\n");
const log = (s: string) => process.stderr.write(s + "\n");

// Commands are imported when used: report pulls in danfojs (and tfjs), which
// takes a second to load, and run should not pay for it.

/** Run the CLI; returns the exit code. Bad input: one line on stderr, exit 2. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined:
      case "help":
      case "--help":
      case "-h":
        out(HELP);
        return 0;
      case "run": {
        const { RUN_HELP, runCommand } = await import("./run");
        const r = await runCommand(rest, process.env, log);
        if (r === "help") return out(RUN_HELP), 0;
        const s = r.summary;
        log(`afw run: ${s.written} written, ${s.skipped} already done, ${s.errors} failed, ${s.usage.retries} retries, ${s.usage.prompt_tokens + s.usage.completion_tokens} tokens (${s.usage.cached} from cache) in ${s.seconds.toFixed(1)} s → ${r.out}`);
        if (s.repairedBytes) log(`afw run: cut a torn last line (${s.repairedBytes} bytes) left by an earlier kill`);
        if (s.errors) log(`afw run: ${s.errors} sample(s) failed for good; run the same command again to retry them`);
        return s.status === "complete" ? 0 : s.errors ? 1 : 130;
      }
      case "report": {
        const { REPORT_HELP, reportCommand } = await import("./report");
        const r = await reportCommand(rest, out, log);
        return r === "help" ? (out(REPORT_HELP), 0) : r;
      }
      case "serve": {
        const { serveCommand, SERVE_HELP } = await import("./serve");
        const r = await serveCommand(rest, out, log);
        return r === "help" ? (out(SERVE_HELP), 0) : r;
      }
      case "demo": {
        const { demoCommand, DEMO_HELP } = await import("./demo");
        const r = await demoCommand(rest, out, log);
        return r === "help" ? (out(DEMO_HELP), 0) : r;
      }
      case "notebooks": {
        const { notebooksCommandCli, NOTEBOOKS_HELP } = await import("./notebooks");
        const r = await notebooksCommandCli(rest, log);
        return r === "help" ? (out(NOTEBOOKS_HELP), 0) : r;
      }
      default:
        throw new AfwError(`afw: unknown command "${cmd}"; commands: run, report, serve, demo, notebooks`);
    }
  } catch (e) {
    if (e instanceof AfwError) {
      log(e.message.split("\n")[0]);
      return e.exitCode;
    }
    log(`afw: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}
