/**
 * The page's assets, built from the package at run time: the front end
 * (lib/view/app, Preact + htm) bundled by esbuild into one classic script,
 * so it runs from http://127.0.0.1 and from file:// alike, with every byte
 * from node_modules (no CDN, no network).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { AfwError } from "../util/errors";

export interface Assets {
  js: string;
  css: string;
}

let cached: Assets | null = null;

/** The bundled script and the style sheet (built once per process), from the checkout at `root`. */
export function pageAssets(root: string): Assets {
  if (cached) return cached;
  const dir = join(root, "lib", "view", "app");
  let js: string;
  try {
    const r = buildSync({
      entryPoints: [join(dir, "main.ts")],
      bundle: true,
      write: false,
      format: "iife",
      platform: "browser",
      target: ["es2020"],
      minify: true,
      legalComments: "none",
      absWorkingDir: root,
      logLevel: "silent",
    });
    js = r.outputFiles[0].text;
  } catch (e) {
    throw new AfwError(`afw view: could not build the page script (${String((e as Error).message).split("\n")[0]})`);
  }
  cached = { js, css: readFileSync(join(dir, "style.css"), "utf8") };
  return cached;
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The page's HTML; `extraScripts` load before the app (a static export's data). */
export function pageHtml(title: string, extraScripts: string[] = []): string {
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>afw view — ${escapeHtml(title)}</title>`,
    '<link rel="icon" href="data:,">',
    '<link rel="stylesheet" href="app.css">',
    ...extraScripts.map((s) => `<script src="${escapeHtml(s)}"></script>`),
    '</head><body><div id="app"></div><script src="app.js"></script></body></html>',
    "",
  ].join("\n");
}
