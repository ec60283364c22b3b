/**
 * The parts of Inspect AI's evaluation log (EvalLog, file format version 2)
 * that this project writes and reads, as TypeScript types. Field names and
 * meanings follow inspect_ai's `src/inspect_ai/log/_log.py` (EvalLog,
 * EvalSpec, EvalSample, EvalResults, EvalStats), `model/_model_output.py`
 * (ModelOutput, ModelUsage), `model/_chat_message.py` and
 * `_util/content.py` (ContentText, ContentReasoning), and `scorer/_metric.py`
 * (Score). Only the fields used here are listed; readers keep the rest.
 */

export type InspectValue = string | number | boolean | InspectValue[] | { [k: string]: InspectValue } | null;

export interface InspectContentText {
  type: "text";
  text: string;
}
export interface InspectContentReasoning {
  type: "reasoning";
  reasoning: string;
  summary?: string | null;
  redacted?: boolean;
}
export type InspectContent = InspectContentText | InspectContentReasoning | { type: string; [k: string]: unknown };

export interface InspectMessage {
  id?: string | null;
  role: "system" | "user" | "assistant" | "tool";
  content: string | InspectContent[];
  source?: "input" | "generate" | null;
  model?: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface InspectUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_cache_write?: number | null;
  input_tokens_cache_read?: number | null;
  reasoning_tokens?: number | null;
  total_cost?: number | null;
}

export type InspectStopReason = "stop" | "max_tokens" | "model_length" | "tool_calls" | "content_filter" | "unknown";

export interface InspectOutput {
  model: string;
  choices: { message: InspectMessage; stop_reason: InspectStopReason }[];
  usage?: InspectUsage | null;
  time?: number | null;
  error?: string | null;
}

export interface InspectScore {
  value: InspectValue;
  answer?: string | null;
  explanation?: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface InspectError {
  message: string;
  traceback: string;
  traceback_ansi: string;
}

export interface InspectSample {
  id: string | number;
  epoch: number;
  input: string | InspectMessage[];
  target: string | string[];
  messages?: InspectMessage[];
  output?: InspectOutput;
  scores?: Record<string, InspectScore> | null;
  metadata?: Record<string, unknown>;
  store?: Record<string, unknown>;
  events?: unknown[];
  model_usage?: Record<string, InspectUsage>;
  total_time?: number | null;
  working_time?: number | null;
  uuid?: string | null;
  error?: InspectError | null;
  attachments?: Record<string, string>;
}

export interface InspectEvalSpec {
  eval_id?: string;
  run_id?: string;
  created: string;
  task: string;
  task_id?: string;
  task_registry_name?: string;
  task_version?: number | string;
  task_attribs?: Record<string, unknown>;
  task_args?: Record<string, unknown>;
  dataset: { name?: string | null; location?: string | null; samples?: number | null; sample_ids?: (string | number)[] | null; shuffled?: boolean | null };
  model: string;
  model_generate_config?: Record<string, unknown>;
  model_base_url?: string | null;
  model_args?: Record<string, unknown>;
  model_roles?: Record<string, unknown> | null;
  config: Record<string, unknown>;
  packages?: Record<string, string>;
  scorers?: { name: string; options?: Record<string, unknown> | null; metrics?: unknown; metadata?: Record<string, unknown> | null }[] | null;
  metadata?: Record<string, unknown> | null;
}

export interface InspectEvalScore {
  name: string;
  scorer: string;
  params: Record<string, unknown>;
  metrics: Record<string, { name: string; value: number; params: Record<string, unknown> }>;
}

export interface InspectReduction {
  scorer: string;
  samples: (InspectScore & { sample_id: string | number })[];
}

export type InspectStatus = "started" | "success" | "cancelled" | "error";

export interface InspectLog {
  version: number;
  status: InspectStatus;
  eval: InspectEvalSpec;
  plan: { name: string; steps: { solver: string; params: Record<string, unknown> }[]; config: Record<string, unknown> };
  results: { total_samples: number; completed_samples: number; scores: InspectEvalScore[] } | null;
  stats: { started_at: string; completed_at: string; model_usage: Record<string, InspectUsage> };
  error?: InspectError | null;
  samples?: InspectSample[] | null;
  reductions?: InspectReduction[] | null;
}
