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

describe("afw --version and afw help COMMAND", () => {
  const capture = async (argv: string[]) => {
    let out = "";
    let err = "";
    const code = await main(argv, { out: (s) => void (out += s + "\n"), log: (s) => void (err += s + "\n"), env: {} });
    return { code, out, err };
  };
  it("prints the version recorded in manifests, and a command's help", async () => {
    const { AFW_VERSION } = await import("../lib/util/version");
    const { version } = await import("../package.json");
    expect(AFW_VERSION).toBe(version);
    expect(await capture(["--version"])).toMatchObject({ code: 0, out: `afw ${AFW_VERSION}\n` });
    const viaHelp = await capture(["help", "judge"]);
    const viaFlag = await capture(["judge", "--help"]);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.out).toBe(viaFlag.out);
    expect(viaHelp.out).toMatch(/^afw judge DIR/);
    expect((await capture(["help", "nosuch"])).code).toBe(2);
  });
});
