import { parseArgs, type ParseArgsConfig } from "node:util";
import { resolve as resolvePath } from "node:path";
import { AfwError } from "../util/errors";
import { fromRoot } from "../util/paths";
import { DEFAULT_BASE_URL, redactUrl } from "../util/url";
import type { EndpointOptions } from "../pipeline/endpoint";

export { redactUrl };

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parse a command's flags strictly. An unknown flag, a flag missing its value
 * or a stray value becomes a one-line AfwError naming the flag.
 */
export function parseFlags<T extends Options>(command: string, argv: string[], options: T, positionals = 0) {
  try {
    const r = parseArgs({ args: argv, options, strict: true, allowPositionals: true, allowNegative: false });
    if (r.positionals.length > positionals) {
      throw new AfwError(`afw ${command}: unexpected argument "${r.positionals[positionals]}" (see afw ${command} --help)`);
    }
    return r;
  } catch (e) {
    if (e instanceof AfwError) throw e;
    const err = e as Error & { code?: string };
    const flag = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1];
    switch (err.code) {
      case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
        throw new AfwError(`afw ${command}: unknown flag ${flag ?? err.message} (see afw ${command} --help)`);
      case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
        throw new AfwError(`afw ${command}: ${flag ?? "a flag"} ${/argument missing|ambiguous/.test(err.message) ? "needs a value" : "got a bad value"} (see afw ${command} --help)`);
      case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
        throw new AfwError(`afw ${command}: unexpected argument (see afw ${command} --help)`);
      default:
        throw new AfwError(`afw ${command}: ${err.message.split("\n")[0]}`);
    }
  }
}

/** An integer flag within bounds, or a one-line error naming the flag. */
export function intFlag(command: string, flag: string, value: string | undefined, dflt: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return dflt;
  if (!/^-?\d+$/.test(value.trim())) throw new AfwError(`afw ${command}: --${flag} must be an integer, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new AfwError(`afw ${command}: --${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** A number flag within bounds. */
export function numFlag(command: string, flag: string, value: string | undefined, dflt: number | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new AfwError(`afw ${command}: --${flag} must be a number, got "${value}"`);
  if (n < min || n > max) throw new AfwError(`afw ${command}: --${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** A comma list flag ("free,paid"), trimmed, no empties. */
export function listFlag(value: string | undefined, dflt: string[]): string[] {
  if (value === undefined) return dflt;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The flags every command that talks to a model shares: the endpoint, the
 * key, and the client's concurrency, timeout, retries and cache.
 */
export const CLIENT_FLAGS = {
  "base-url": { type: "string" },
  "api-key": { type: "string" },
  offline: { type: "boolean" },
  concurrency: { type: "string" },
  timeout: { type: "string" },
  "max-attempts": { type: "string" },
  "retry-base-ms": { type: "string" },
  "no-cache": { type: "boolean" },
  "cache-dir": { type: "string" },
} as const;

/** The values of CLIENT_FLAGS a command read. */
export interface ClientFlagValues {
  concurrency?: string;
  timeout?: string;
  "max-attempts"?: string;
  "retry-base-ms"?: string;
  "no-cache"?: boolean;
  "cache-dir"?: string;
}

/** The client's settings from the shared flags, checked now so a bad value fails before anything runs. */
export interface ClientSettings {
  concurrency: number;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  /** The response cache folder; null with --no-cache. */
  cacheDir: string | null;
}

export function clientSettings(command: string, v: ClientFlagValues, env: NodeJS.ProcessEnv): ClientSettings {
  return {
    concurrency: intFlag(command, "concurrency", v.concurrency, 16, 1, 1024),
    timeoutMs: Math.round(numFlag(command, "timeout", v.timeout, 120, 0.001, 86_400)! * 1000),
    maxAttempts: intFlag(command, "max-attempts", v["max-attempts"], 6, 1, 100),
    retryBaseMs: intFlag(command, "retry-base-ms", v["retry-base-ms"], 1000, 0, 600_000),
    cacheDir: v["no-cache"] ? null : resolvePath(v["cache-dir"] ?? env.AFW_CACHE_DIR ?? fromRoot(".afw-cache", "responses")),
  };
}

/** The endpoint flags: a base URL and key (flags, else OPENAI_BASE_URL / OPENAI_API_KEY) or --offline. */
export interface EndpointFlagValues extends ClientFlagValues {
  "base-url"?: string;
  "api-key"?: string;
  offline?: boolean;
}

/**
 * What to open: offline when --offline is given or no endpoint or key is
 * configured; else the base URL (default the OpenAI API) and key, with the
 * client settings. Checked now, so a bad value fails before anything runs.
 */
export function endpointOptions(command: string, v: EndpointFlagValues, env: NodeJS.ProcessEnv): EndpointOptions & { offline: boolean; concurrency: number } {
  const baseURL = v["base-url"] ?? env.OPENAI_BASE_URL;
  const apiKey = v["api-key"] ?? env.OPENAI_API_KEY;
  const offline = !!v.offline || (!baseURL && !apiKey);
  const settings = clientSettings(command, v, env);
  return { offline, ...(offline ? {} : { baseURL: baseURL ?? DEFAULT_BASE_URL, apiKey: apiKey ?? "" }), ...settings };
}
