import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

// `.ci/run` runs the suite once per supported Node version and says which one it expects
// through CHAINSERVE_EXPECT_NODE_MAJOR: a PATH mistake would otherwise test Node 20 twice.
const expected = process.env.CHAINSERVE_EXPECT_NODE_MAJOR;

describe("the Node runtime under test", () => {
  it("is a supported Node version (20 or newer)", () => {
    process.stdout.write(`tests run on Node ${process.version}\n`);
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(20);
  });

  it.runIf(expected !== undefined)("is the major version CI asked for, in the test workers and in `node` on PATH", async () => {
    expect(process.versions.node.split(".")[0]).toBe(expected);
    // Children the tests start (the example app, the packed package) use process.execPath;
    // npm scripts and tools started by name use `node` from PATH: both must agree.
    const { stdout } = await run("node", ["-p", "process.versions.node"]);
    expect(stdout.trim().split(".")[0]).toBe(expected);
  });
});
