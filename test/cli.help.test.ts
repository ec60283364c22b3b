import { describe, expect, it } from "vitest";
import { commandNames, main } from "../lib/cli/main";

describe("afw --help", () => {
  it("lists every command with the summary its module exports", async () => {
    let text = "";
    const code = await main(["--help"], { out: (s) => void (text += s + "\n"), log: () => {}, env: {} });
    expect(code).toBe(0);
    const names = commandNames();
    expect(names).toEqual(expect.arrayContaining(["run", "report", "judge", "validate-judge", "figures", "scenario", "serve", "demo", "notebooks"]));
    for (const name of names) {
      const { command } = (await import(`../lib/cli/commands/${name}`)) as { command: { summary: string } };
      expect(text).toContain(`afw ${name.padEnd(16)} ${command.summary}\n`);
    }
  }, 60_000);
});
