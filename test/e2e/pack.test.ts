import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../..", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

describe("the packed tarball", () => {
  let dir = "";
  afterAll(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("installs in an empty folder and runs the documentation example from the package", { timeout: 240_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "chainserve-pack-"));
    await run(npm, ["pack", "--pack-destination", dir, "--silent"], { cwd: repo, maxBuffer: 16 * 1024 * 1024 });
    const tarball = (await readdir(dir)).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "pack-check", private: true, type: "module" }));
    await run(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--silent", `./${tarball as string}`], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    await writeFile(
      join(dir, "example.mjs"),
      [
        'import { RunnableLambda, RunnableParallel, RunnablePassthrough } from "chainserve";',
        'import { addRoutes } from "chainserve/server";',
        'import { RemoteRunnable } from "chainserve/client";',
        "const chain = RunnableParallel.from({",
        "  extra: RunnablePassthrough.assign({ mult: (x) => x.num * 3 }),",
        "  modified: (x) => x.num + 1,",
        "});",
        "const out = await chain.invoke({ num: 1 });",
        // The playground's built page ships in the tarball (dist/playground).
        'const { default: Fastify } = await import("fastify");',
        "const app = Fastify();",
        'await addRoutes(app, chain, { path: "/assign" });',
        'const page = await app.inject({ url: "/assign/playground/" });',
        'const script = /src="\\.\\/(assets\\/[^"]+\\.js)"/.exec(page.body)?.[1];',
        'const asset = await app.inject({ url: `/assign/playground/${script}` });',
        "await app.close();",
        "const playground = [page.statusCode, asset.statusCode, asset.headers[\"content-type\"]];",
        "console.log(JSON.stringify({ out, lambda: await RunnableLambda.from((x) => x + 1).invoke(1), server: typeof addRoutes, client: typeof RemoteRunnable, playground }));",
      ].join("\n"),
    );
    const { stdout } = await run(process.execPath, ["example.mjs"], { cwd: dir });
    expect(JSON.parse(stdout.trim())).toEqual({
      out: { extra: { num: 1, mult: 3 }, modified: 2 },
      lambda: 2,
      server: "function",
      client: "function",
      playground: [200, 200, "application/javascript; charset=utf-8"],
    });
  });
});
