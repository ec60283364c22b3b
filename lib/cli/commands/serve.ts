import { BUILTIN_ORGANISMS, startOrganismServer } from "../../organisms/index";
import { intFlag, parseFlags } from "../args";
import type { Command } from "../command";

const HELP = `afw serve — the simulated organisms as an OpenAI-compatible server

  --port N      port on 127.0.0.1; default 8787 (0 picks a free one)
  --host H      interface; default 127.0.0.1

Point any OpenAI client at http://127.0.0.1:PORT/v1 with any API key.
Endpoints: POST /v1/chat/completions, POST /v1/completions, GET /v1/models.
Stop with Ctrl-C.`;

const FLAGS = {
  port: { type: "string" },
  host: { type: "string" },
} as const;

async function serveCommand(argv: string[], out: (s: string) => void, log: (s: string) => void): Promise<number> {
  const { values: v } = parseFlags("serve", argv, FLAGS);
  const port = intFlag("serve", "port", v.port, 8787, 0, 65535);
  const server = await startOrganismServer({ port, host: v.host ?? "127.0.0.1" });
  out(`afw serve: ${server.url}  models: ${Object.keys(BUILTIN_ORGANISMS).join(", ")}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  log(`afw serve: stopped after ${server.stats().requests} request(s)`);
  return 0;
}

export const command: Command = {
  summary: "serve the simulated organisms on 127.0.0.1 (OpenAI-compatible)",
  help: HELP,
  run: (argv, io) => serveCommand(argv, io.out, io.log),
};
