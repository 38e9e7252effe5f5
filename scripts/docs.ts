/**
 * `npm run docs [-- --check]` (also `npm run settings:docs`)
 *
 * Writes the generated parts of the documentation: the configuration reference tables of docs/configuration.md,
 * the README's summary of the top-level keys and the `config:` declarations of `Pulumi.yaml` from the settings
 * table (components/config/settings.ts, see docs/settings.ts), and the policy tables of docs/policy-pack.md from
 * the policy catalogue and the stacks' policy configs (docs/policies.ts). With `--check` it writes nothing and
 * exits 1 when a file differs from what it generates.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { command } from "./docs/markers";
import { policyStacks, renderPolicyPage } from "./docs/policies";
import { renderConfiguration, renderPulumiYaml, renderReadme } from "./docs/settings";

export { command };
export const projectRoot = path.resolve(__dirname, "..");

/** Each generated file with its current and generated text. */
export function generatedFiles(root = projectRoot): { file: string; current: string; generated: string }[] {
    const stacks = policyStacks(root);
    const renderers: [string, (text: string) => string][] = [
        ["docs/configuration.md", renderConfiguration],
        ["README.md", renderReadme],
        ["Pulumi.yaml", renderPulumiYaml],
        ["docs/policy-pack.md", (text) => renderPolicyPage(text, stacks)],
    ];
    return renderers.map(([file, render]) => {
        const current = fs.readFileSync(path.join(root, file), "utf8");
        return { file, current, generated: render(current) };
    });
}

if (require.main === module) {
    const check = process.argv.includes("--check");
    let stale = 0;
    for (const { file, current, generated } of generatedFiles()) {
        if (current === generated) {
            continue;
        }
        stale++;
        if (check) {
            console.error(`${file} differs from what its sources generate. Run \`${command}\`.`);
        } else {
            fs.writeFileSync(path.join(projectRoot, file), generated);
            console.log(`wrote ${file}`);
        }
    }
    process.exitCode = check && stale > 0 ? 1 : 0;
}
