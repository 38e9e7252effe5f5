import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { projectRoot } from "../../plan/engine/project";

/**
 * `pulumi up` runs index.ts through ts-node from the project's node_modules, with the project's tsconfig and
 * type checking on (not tsx, as the tests do). This runs the program exactly that way, under mocks, so a
 * tsconfig or module setting ts-node cannot handle fails here rather than at the first deploy.
 */
test("index.ts runs under ts-node the way the Pulumi CLI loads it", () => {
    const script = `
        require("ts-node").register({ compiler: "typescript", project: "tsconfig.json", skipProject: false, compilerOptions: {} });
        const { recordProgram } = require("./plan/engine/recorder.ts");
        const { loadStackConfig } = require("./plan/engine/configEncoding.ts");
        recordProgram(() => require("./index.ts"), { stack: "prod", config: loadStackConfig("prod") }).then(
            (r) => { console.log(JSON.stringify({ count: r.resources.length, error: r.error ? String(r.error) : null })); process.exit(0); },
            (e) => { console.error(e); process.exit(1); });
    `;
    const result = spawnSync(process.execPath, ["-e", script], { cwd: projectRoot, encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    const outcome = JSON.parse(result.stdout.trim().split("\n").pop()!) as { count: number; error: string | null };
    assert.equal(outcome.error, null);
    assert.ok(outcome.count > 40, `the prod stack registered ${outcome.count} resources`);
});
