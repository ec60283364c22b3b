/**
 * `afw view --static OUT`: the viewer as plain files that open from file://
 * with no server: the same page and bundle, the table and the prompts in
 * data/table.js, and the transcripts in chunks (data/d/<k>.js) loaded as the
 * reader opens them. Scripts rather than JSON, because a page on file:// may
 * not fetch. The table is filtered in the page by the same Engine the server
 * runs, so both show the same rows. Read-only: labelling needs the server.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { AfwError } from "../util/errors";
import { pageAssets, pageHtml } from "./bundle";
import type { ViewModel } from "./model";
import type { StaticData } from "./app/source";

/** Rows per transcript chunk file. */
export const STATIC_CHUNK = 100;
const MARKER = ".afw-view-static";

/** JSON as a script's literal (line and paragraph separators escaped for older parsers). */
const literal = (v: unknown) => JSON.stringify(v).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");

/**
 * Write the static viewer into `out` (a new or empty folder, or an earlier
 * static export, which is replaced). Written into a temporary sibling and
 * renamed, so a failure leaves no half-written site.
 */
export function writeStaticSite(model: ViewModel, out: string, root: string): { files: number; bytes: number } {
  const target = resolve(out);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new AfwError(`afw view --static: ${out} exists and is not a folder`);
    const entries = readdirSync(target);
    if (entries.length && !entries.includes(MARKER)) throw new AfwError(`afw view --static: ${out} is not empty and not an earlier static export; choose a new folder`);
  }
  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let files = 0;
  let bytes = 0;
  const write = (rel: string, text: string) => {
    const p = join(tmp, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    files++;
    bytes += Buffer.byteLength(text);
  };
  try {
    const assets = pageAssets(root);
    const meta = { ...model.meta(), canLabel: false };
    meta.folders = meta.folders.map((f) => ({ ...f, labels: null }));
    const { prompts, diffs } = model.promptsAndDiffs();
    const data: StaticData = { meta, table: model.engine.data, prompts, diffs, chunk: STATIC_CHUNK };
    write("index.html", pageHtml(meta.title, ["data/table.js"]));
    write("app.js", assets.js);
    write("app.css", assets.css);
    write("data/table.js", `window.__AFW_STATIC__ = ${literal(data)};\n`);
    for (let k = 0; k * STATIC_CHUNK < model.size; k++) {
      const details = [];
      for (let i = k * STATIC_CHUNK; i < Math.min(model.size, (k + 1) * STATIC_CHUNK); i++) details.push(model.detail(model.id(i)));
      write(`data/d/${k}.js`, `window.__afwDetails(${k}, ${literal(details)});\n`);
    }
    write(MARKER, "written by afw view --static; safe to replace with a new export\n");
    if (existsSync(target)) rmSync(target, { recursive: true, force: true });
    renameSync(tmp, target);
    return { files, bytes };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
