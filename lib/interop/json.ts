/**
 * JSON as Python writes it. Inspect's logs come from Python's json module,
 * which writes the bare tokens NaN, Infinity and -Infinity for non-finite
 * floats; JSON.parse rejects them. `parseLogJson` reads them as the numbers
 * they stand for, and names the line and column of anything else that is
 * not JSON.
 */
import { AfwError } from "../util/errors";

const TOKENS: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, "-Infinity": Number.NEGATIVE_INFINITY };
/** Stand-in strings for the bare tokens: they start with a NUL, which no log text carries unescaped. */
const MARK = "\u0000afw-nonfinite:";

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}

/** The bare NaN / Infinity / -Infinity tokens outside strings, replaced by marked strings. */
function markNonFinite(text: string): string | null {
  const parts: string[] = [];
  let from = 0;
  let inString = false;
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    // N(aN), I(nfinity) or -I(nfinity)
    if (c !== 78 && c !== 73 && c !== 45) continue;
    for (const tok of ["NaN", "Infinity", "-Infinity"]) {
      if (text.startsWith(tok, i)) {
        parts.push(text.slice(from, i), JSON.stringify(MARK + tok));
        i += tok.length - 1;
        from = i + 1;
        found = true;
        break;
      }
    }
  }
  if (!found) return null;
  parts.push(text.slice(from));
  return parts.join("");
}

function revive(_key: string, value: unknown): unknown {
  if (typeof value === "string" && value.startsWith(MARK)) {
    const v = TOKENS[value.slice(MARK.length)];
    if (v !== undefined) return v;
  }
  return value;
}

/**
 * Where JSON text first goes wrong: the offset of the first character that
 * cannot continue a value (NaN / Infinity allowed), or -1 when it is fine.
 * Only called on the error path, to name a line and column.
 */
export function firstSyntaxError(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  };
  const value = (): boolean => {
    ws();
    const c = text[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      ws();
      if (text[i] === close) return ++i > 0;
      for (;;) {
        if (c === "{") {
          ws();
          if (text[i] !== '"' || !string()) return false;
          ws();
          if (text[i] !== ":") return false;
          i++;
        }
        if (!value()) return false;
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === close) return ++i > 0;
        return false;
      }
    }
    if (c === '"') return string();
    for (const lit of ["true", "false", "null", "NaN", "Infinity", "-Infinity"]) if (text.startsWith(lit, i)) return (i += lit.length) > 0;
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  const string = (): boolean => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) return ++i > 0;
      if (c < 32) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  if (!value()) return Math.min(i, text.length);
  ws();
  return i < text.length ? i : -1;
}

/**
 * Parse JSON that may hold Python's NaN / Infinity / -Infinity.
 * A syntax error is an AfwError "WHERE:LINE:COL: not valid JSON".
 * @example parseLogJson('{"a": NaN, "b": [Infinity, "NaN"]}', "x.json") // { a: NaN, b: [Infinity, "NaN"] }
 */
export function parseLogJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    const marked = markNonFinite(text);
    if (marked !== null) {
      try {
        return JSON.parse(marked, revive);
      } catch {
        /* report the error at its place in the original text below */
      }
    }
    const off = firstSyntaxError(text);
    if (text.trim() === "") throw new AfwError(`${where}: empty file, not JSON`);
    if (off < 0) throw new AfwError(`${where}: not valid JSON (${(first as Error).message.split("\n")[0]})`);
    const at = lineColumn(text, off);
    const what = off >= text.length ? "the text ends in the middle of a value" : `unexpected ${JSON.stringify(text.slice(off, off + 12))}`;
    throw new AfwError(`${where}:${at.line}:${at.column}: not valid JSON (${what})`);
  }
}
