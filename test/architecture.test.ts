/**
 * The rooms of lib/ and what each may import (docs/architecture.md), as
 * data, checked against every import of every lib file: static imports and
 * re-exports, dynamic import() and require(), type-only or not, parsed with
 * the TypeScript compiler (tslab's 5.0, which the project already ships).
 * A new import that breaks a rule fails here, naming the file and the import.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import ts from "@tslab/typescript-for-tslab";
import { fromRoot } from "../lib/util/paths";

const LIB = fromRoot("lib");

/** The rooms below the faces, in the order data flows: each may import only rooms listed before it, and only those named. */
const ROOMS: Record<string, { imports: string[]; typesFrom?: string[]; packages: string[]; builtins?: false }> = {
  util: { imports: [], packages: [] },
  schema: { imports: [], packages: ["zod"] },
  stats: { imports: [], packages: ["simple-statistics", "pure-rand"], builtins: false },
  scenario: { imports: ["schema", "util"], packages: ["zod"] },
  queries: { imports: ["schema", "util"], packages: ["zod"] },
  models: { imports: ["schema", "util"], packages: ["openai", "zod", "js-tiktoken"] },
  organisms: { imports: ["schema", "util", "scenario"], packages: ["zod"] },
  store: { imports: ["schema", "util"], packages: ["zod"] },
  classify: { imports: ["schema", "util", "scenario", "models", "stats"], packages: ["zod"] },
  experiments: { imports: ["schema", "util", "scenario", "queries", "models", "organisms"], packages: ["zod"] },
  pipeline: { imports: ["schema", "util", "stats", "scenario", "queries", "models", "organisms", "store", "classify", "experiments"], packages: ["zod"] },
  frame: { imports: ["schema", "util", "store", "scenario"], packages: ["danfojs-node"] },
  analysis: { imports: ["schema", "util", "stats", "classify", "experiments", "frame"], typesFrom: ["figures"], packages: ["zod"] },
  figures: { imports: ["schema", "util"], typesFrom: ["stats"], packages: [] },
  interop: { imports: ["schema", "util", "scenario", "store", "analysis"], packages: ["fzstd", "zod"] },
  view: { imports: ["schema", "util", "store", "analysis", "interop"], packages: ["esbuild", "htm", "preact", "zod"] },
  finetune: { imports: ["schema", "util", "scenario", "queries", "models", "organisms", "experiments", "pipeline"], packages: ["js-tiktoken", "zod"] },
  paraphrase: { imports: ["schema", "util", "stats", "scenario", "organisms", "experiments", "pipeline", "figures"], packages: ["zod"] },
  tools: { imports: ["util"], packages: ["tsx", "zod"] },
};

/** No room is exempt any more (kept so a future room can be added here while it is built). */
const SIDE_ROOMS: string[] = [];
/** The faces (and the public entry lib/index.ts): they may import any room; nothing imports them. */
const FACES = ["cli", "notebooks", "index"];
/** Where projectRoot()/fromRoot() may be used: the faces only (bin/ is outside lib). */
const PATHS_USERS = FACES;
/** danfojs (with tfjs, a second to load) only as a type or a dynamic import, so nothing pays for it at load time. */
const LAZY_PACKAGES = ["danfojs-node"];

interface Edge {
  file: string;
  spec: string;
  typeOnly: boolean;
  dynamic: boolean;
}

function libFiles(dir = LIB): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return libFiles(p);
    return /\.(ts|mjs|cjs)$/.test(f) && !f.endsWith(".d.cts") ? [p] : [];
  });
}

/** Every import of a file, from its syntax tree. */
function importsOf(file: string): Edge[] {
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true, file.endsWith(".ts") ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const out: Edge[] = [];
  const rel = relative(LIB, file);
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : null;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      out.push({ file: rel, spec: n.moduleSpecifier.text, typeOnly, dynamic: false });
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      const named = n.exportClause && ts.isNamedExports(n.exportClause) ? n.exportClause.elements : null;
      out.push({ file: rel, spec: n.moduleSpecifier.text, typeOnly: n.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)), dynamic: false });
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      out.push({ file: rel, spec: n.argument.literal.text, typeOnly: true, dynamic: false });
    } else if (ts.isCallExpression(n) && n.arguments.length === 1 && ts.isStringLiteral(n.arguments[0])) {
      const callee = n.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) {
        out.push({ file: rel, spec: (n.arguments[0] as ts.StringLiteral).text, typeOnly: false, dynamic: true });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The room a lib file belongs to: its first folder under lib/ (lib/index.ts is "index"). */
function roomOf(absPath: string): string {
  const parts = relative(LIB, absPath).split(sep);
  return parts.length === 1 ? parts[0].replace(/\.[^.]+$/, "") : parts[0];
}

const ALL = libFiles();
const EDGES = ALL.flatMap(importsOf);
const target = (e: Edge) => roomOf(resolve(dirname(join(LIB, e.file)), e.spec));
const packageOf = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);

describe("the rooms of lib/ (docs/architecture.md)", () => {
  it("finds every room's files and their imports", () => {
    const rooms = new Set(ALL.map(roomOf));
    for (const r of Object.keys(ROOMS)) expect(rooms, r).toContain(r);
    for (const r of rooms) expect([...Object.keys(ROOMS), ...SIDE_ROOMS, ...FACES], `lib/${r} is not a room of docs/architecture.md`).toContain(r);
    expect(EDGES.length).toBeGreaterThan(300);
    // the parser sees each kind of import
    expect(EDGES.some((e) => e.typeOnly)).toBe(true);
    expect(EDGES.some((e) => e.dynamic)).toBe(true);
  });

  it("each room imports only the rooms it may (types only where so noted), and nothing imports a face", () => {
    const broken: string[] = [];
    const below = new Set(Object.keys(ROOMS));
    for (const e of EDGES) {
      if (!e.spec.startsWith(".")) continue;
      const from = roomOf(join(LIB, e.file));
      const to = target(e);
      if (from === to) continue;
      if (FACES.includes(to)) {
        broken.push(`${e.file}: imports the face ${to} (${e.spec})`);
        continue;
      }
      if (FACES.includes(from)) continue;
      if (SIDE_ROOMS.includes(from)) {
        if (!below.has(to) && !SIDE_ROOMS.includes(to)) broken.push(`${e.file}: ${from} may not import ${to} (${e.spec})`);
        continue;
      }
      const rule = ROOMS[from];
      const ok = rule.imports.includes(to) || (e.typeOnly && (rule.typesFrom ?? []).includes(to));
      if (!ok) broken.push(`${e.file}: ${from} may not import ${to}${(rule.typesFrom ?? []).includes(to) ? " except types" : ""} (${e.spec})`);
    }
    expect(broken).toEqual([]);
  });

  it("the room graph has no loop", () => {
    const graph = new Map<string, Set<string>>();
    for (const e of EDGES) {
      if (!e.spec.startsWith(".")) continue;
      const from = roomOf(join(LIB, e.file));
      const to = target(e);
      if (from !== to) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
    const loops: string[] = [];
    const state = new Map<string, "open" | "done">();
    const walk = (r: string, path: string[]) => {
      if (state.get(r) === "done") return;
      if (state.get(r) === "open") {
        loops.push([...path.slice(path.indexOf(r)), r].join(" → "));
        return;
      }
      state.set(r, "open");
      for (const t of graph.get(r) ?? []) walk(t, [...path, r]);
      state.set(r, "done");
    };
    for (const r of graph.keys()) walk(r, []);
    expect(loops).toEqual([]);
  });

  it("each room uses only its packages; lib/stats no Node built-ins; danfojs only lazily", () => {
    const broken: string[] = [];
    for (const e of EDGES) {
      if (e.spec.startsWith(".")) continue;
      const from = roomOf(join(LIB, e.file));
      const pkg = packageOf(e.spec);
      if (LAZY_PACKAGES.includes(pkg) && !e.typeOnly && !e.dynamic) broken.push(`${e.file}: imports ${pkg} at load time; use a type import or import() when needed`);
      if (FACES.includes(from) || SIDE_ROOMS.includes(from)) continue;
      const rule = ROOMS[from];
      if (pkg.startsWith("node:")) {
        if (rule.builtins === false) broken.push(`${e.file}: ${from} may use no Node built-in (${e.spec})`);
      } else if (!rule.packages.includes(pkg)) broken.push(`${e.file}: ${from} may not use the package ${pkg}`);
    }
    expect(broken).toEqual([]);
  });

  it("no module finds the checkout on its own: projectRoot()/fromRoot() only in the faces", () => {
    const users = EDGES.filter((e) => e.spec.endsWith("util/paths") && !FACES.includes(roomOf(join(LIB, e.file))) && roomOf(join(LIB, e.file)) !== "util");
    expect(users.map((e) => e.file)).toEqual([]);
    expect(PATHS_USERS).toEqual(FACES);
  });

  it("one place makes a model client: openEndpoint() in lib/pipeline", () => {
    const makers = ALL.filter((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .some((l) => /new ModelClient\(/.test(l) && !/^\s*(\*|\/\/)/.test(l)),
    ).map((f) => relative(LIB, f));
    expect(makers).toEqual([join("pipeline", "endpoint.ts")]);
  });
});
