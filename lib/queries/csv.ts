import { AfwError } from "../util/errors";

/** One CSV record: its fields and the physical line (1-based) where it starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Parse RFC 4180 CSV text into records. Handles quoted fields with embedded
 * commas, line breaks and doubled quotes (`""`), CRLF / LF / CR line ends and
 * a leading byte-order mark. Blank lines are skipped. `where` names the
 * source in error messages (`where:line:column: ...`), which are AfwErrors.
 *
 * @example
 * parseCsv('goal,target\r\n"Say ""hi"", twice",x\r\n', "a.csv")
 * // [{ line: 1, fields: ["goal", "target"] }, { line: 2, fields: ['Say "hi", twice', "x"] }]
 */
export function parseCsv(text: string, where = "<csv>"): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const n = src.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;

  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    let anyQuoted = false;
    // One record: fields separated by commas, ended by a line break or EOF.
    for (;;) {
      let field = "";
      if (src[i] === '"') {
        anyQuoted = true;
        const openLine = line;
        const openCol = i - lineStart + 1;
        i++;
        for (;;) {
          const close = src.indexOf('"', i);
          if (close < 0) {
            throw new AfwError(
              `${where}:${openLine}:${openCol}: unterminated quoted field (the quote opened here is never closed)`,
            );
          }
          // Line breaks inside quotes belong to the field; count them for positions.
          for (let j = i; j < close; j++) {
            const c = src.charCodeAt(j);
            if (c === 10 || (c === 13 && src.charCodeAt(j + 1) !== 10)) {
              line++;
              lineStart = j + 1;
            }
          }
          field += src.slice(i, close);
          if (src[close + 1] === '"') {
            field += '"';
            i = close + 2;
            continue;
          }
          i = close + 1;
          break;
        }
        if (i < n && src[i] !== "," && src[i] !== "\r" && src[i] !== "\n") {
          throw new AfwError(
            `${where}:${line}:${i - lineStart + 1}: unexpected character after a closing quote (expected a comma or the end of the line)`,
          );
        }
      } else {
        const start = i;
        while (i < n && src[i] !== "," && src[i] !== "\r" && src[i] !== "\n") i++;
        field = src.slice(start, i);
      }
      fields.push(field);
      if (i < n && src[i] === ",") {
        i++;
        continue;
      }
      // End of record: consume the line break, if any.
      if (i < n) {
        i += src[i] === "\r" && src[i + 1] === "\n" ? 2 : 1;
        line++;
        lineStart = i;
      }
      break;
    }
    const blank = !anyQuoted && fields.length === 1 && fields[0].trim() === "";
    if (!blank) records.push({ line: recordLine, fields });
  }
  return records;
}
