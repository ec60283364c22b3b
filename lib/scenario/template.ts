import { AfwError } from "../util/errors";

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names of the {{placeholders}} a template uses (jinja-style spacing accepted). */
export function placeholdersOf(template: string): string[] {
  const names = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER)) names.add(m[1]);
  return [...names];
}

/**
 * Fill {{name}} placeholders. Every placeholder must have a value: an unknown
 * one is an error naming the template, so a typo never reaches a model.
 */
export function fillTemplate(template: string, vars: Record<string, string>, where = "template"): string {
  return template.replace(PLACEHOLDER, (_all, name: string) => {
    const v = vars[name];
    if (v === undefined) {
      throw new AfwError(`${where}: unknown placeholder {{${name}}}; known: ${Object.keys(vars).sort().join(", ")}`);
    }
    return v;
  });
}
