import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commandNames, main } from "../lib/cli/main";
import { COMMANDS } from "../lib/cli/commands/index";
import { fromRoot } from "../lib/util/paths";

describe("afw --help", () => {
  it("lists every command with the summary its registry line gives, which is the one its module exports", async () => {
    let text = "";
    const code = await main(["--help"], { out: (s) => void (text += s + "\n"), log: () => {}, env: {} });
    expect(code).toBe(0);
    const names = commandNames();
    expect(names).toEqual(expect.arrayContaining(["run", "report", "judge", "validate-judge", "figures", "scenario", "serve", "demo", "notebooks"]));
    // every command file has its registry line, and every line its file
    const files = readdirSync(fromRoot("lib", "cli", "commands")).filter((f) => f.endsWith(".ts") && f !== "index.ts").map((f) => f.slice(0, -3)).sort();
    expect(names).toEqual(files);
    for (const name of names) {
      expect(text).toContain(`afw ${name.padEnd(16)} ${COMMANDS[name].summary}\n`);
      const { command } = await COMMANDS[name].load();
      if (command.summary !== undefined) expect(command.summary).toBe(COMMANDS[name].summary);
      expect(command.help.length).toBeGreaterThan(0);
    }
  }, 60_000);
});
