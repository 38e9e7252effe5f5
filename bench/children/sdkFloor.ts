/**
 * Floor of the program-cost benchmark: loads the Pulumi SDK modules the program imports (passed as a JSON
 * list), exactly as the program child does before it runs the program, and registers nothing.
 * Times are milliseconds since this process started.
 */
import { failToParent, reportToParent } from "./report";

const ready = performance.now();
const modules = JSON.parse(process.argv[2] ?? "[]") as string[];
if (modules.length === 0) failToParent("sdkFloor: pass the SDK modules to load as a JSON list");
for (const name of modules) {
    require(name);
}
reportToParent({ readyMs: ready, sdkLoadedMs: performance.now() });
