/**
 * `npm run contracts:derive [-- --check]`
 *
 * Derives the contract facts of every resource type the program declares from Azure's generated SDK models
 * (scripts/contracts/targets.ts names the package and operation of each type; scripts/contracts/oracle.ts reads
 * them) and writes contracts/azure/derived/<namespace>.json. With `--check` it writes nothing and exits 1 when a
 * file differs from what the models give, or when the api-version azure-native calls for a type is not the one its
 * oracle carries (test/contracts/derived.test.ts runs the same checks under `npm test`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { DerivedFact, DerivedNamespace, DerivedType } from "../contracts/check";
import { derive } from "./contracts/oracle";
import { targets, type Target } from "./contracts/targets";

export const command = "npm run contracts:derive";
export const derivedDir = path.resolve(__dirname, "..", "contracts", "azure", "derived");

/**
 * The api-version @pulumi/azure-native calls for a resource type: its generated resource module says
 * "Uses Azure REST API version X" (written from the same resource metadata the provider sends requests with;
 * pulumi/pulumi-azure-native provider/pkg/gen/schema.go, resource description).
 */
export function azureNativeApiVersion(token: string): string {
    const [, module, resource] = token.split(":");
    const file = require.resolve(`@pulumi/azure-native/${module}/${resource[0].toLowerCase()}${resource.slice(1)}.d.ts`);
    const match = /Uses Azure REST API version (\d{4}-\d{2}-\d{2}(?:-preview)?)\b/.exec(fs.readFileSync(file, "utf8"));
    if (!match) {
        throw new Error(`${file} names no Azure REST API version`);
    }
    return match[1];
}

/** The facts both brackets state alike: a path both have, with only the attributes equal in both. */
function common(a: DerivedType, b: DerivedType): Pick<DerivedType, "properties" | "required"> {
    const properties: Record<string, DerivedFact> = {};
    for (const [at, fa] of Object.entries(a.properties)) {
        const fb = b.properties[at];
        if (!fb) continue;
        const fact: Record<string, unknown> = {};
        for (const key of new Set([...Object.keys(fa), ...Object.keys(fb)])) {
            const va = (fa as Record<string, unknown>)[key];
            const vb = (fb as Record<string, unknown>)[key];
            if (key === "definition") fact.definition = va === vb ? va : `${String(va)} | ${String(vb)}`;
            else if (JSON.stringify(va) === JSON.stringify(vb)) fact[key] = va;
        }
        properties[at] = fact as DerivedFact;
    }
    return { properties, required: a.required.filter((r) => b.required.includes(r)) };
}

export async function deriveTarget(target: Target): Promise<DerivedType> {
    const builds = [];
    for (const source of target.sources) {
        builds.push(await derive(target.resourceType, source, target.args));
    }
    const apiVersion = azureNativeApiVersion(target.token);
    const oracles = builds.map((b) => b.oracles[0]);
    const facts = builds.length === 1 ? builds[0] : common(builds[0], builds[1]);
    return { resourceType: target.resourceType, apiVersion, oracles, required: facts.required, properties: facts.properties };
}

const about = (namespace: string) =>
    `Facts of ${namespace} derived by \`${command}\` from Azure's generated SDK models (the packages and versions each type names, ` +
    "pinned in package.json), at the api-version @pulumi/azure-native calls. Paths are azure-native input names (`properties` " +
    "flattened, `[]` an array element). Generated: do not edit; hand-written facts live in ../<namespace>.json.";

/** Every derived namespace file, as the models give it. */
export async function generate(): Promise<Map<string, DerivedNamespace>> {
    const files = new Map<string, { namespace: string; about: string; types: Record<string, DerivedType> }>();
    for (const target of targets) {
        const file = files.get(target.namespace) ?? { namespace: target.namespace, about: about(target.namespace), types: {} };
        file.types[target.token] = await deriveTarget(target);
        files.set(target.namespace, file);
    }
    return files;
}

export const render = (file: DerivedNamespace) => `${JSON.stringify(file, null, 2)}\n`;

/** Each derived file: its path, what is committed, and what the models give now. */
export async function generatedFiles(generated?: Map<string, DerivedNamespace>): Promise<{ file: string; current: string | undefined; generated: string }[]> {
    const out = [];
    for (const [namespace, content] of generated ?? await generate()) {
        const file = path.join(derivedDir, `${namespace}.json`);
        out.push({ file, current: fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined, generated: render(content) });
    }
    return out;
}

/** Types whose oracle does not carry the api-version azure-native calls, each with what to update. */
export function drift(types: Iterable<[string, DerivedType]>): string[] {
    const problems: string[] = [];
    for (const [token, type] of types) {
        const calls = azureNativeApiVersion(token);
        const [first, second] = type.oracles;
        const names = type.oracles.map((o) => `${o.package}@${o.version} (${o.apiVersion})`).join(" and ");
        if (!second && first.apiVersion !== calls) {
            problems.push(`${token}: @pulumi/azure-native calls api-version ${calls}, the oracle ${names} carries ${first.apiVersion}. ` +
                `Pin the ${first.package} build that carries ${calls} in package.json (or bracket it in scripts/contracts/targets.ts), then run \`${command}\`.`);
        }
        if (second && !(first.apiVersion < calls && calls < second.apiVersion)) {
            problems.push(`${token}: @pulumi/azure-native calls api-version ${calls}, outside the bracketing builds ${names}. ` +
                `Pin a build that carries ${calls} (or the nearest builds around it) in package.json and scripts/contracts/targets.ts, then run \`${command}\`.`);
        }
        if (type.apiVersion !== calls) {
            problems.push(`${token}: the derived facts are for api-version ${type.apiVersion}, @pulumi/azure-native calls ${calls}. Run \`${command}\`.`);
        }
    }
    return problems;
}

async function main(): Promise<void> {
    const check = process.argv.includes("--check");
    const generated = await generate();
    const files = await generatedFiles(generated);
    const problems = drift([...generated.values()].flatMap((f) => Object.entries(f.types)));
    if (check) {
        const stale = files.filter((f) => f.current !== f.generated).map((f) => `${path.relative(process.cwd(), f.file)} differs from the models. Run \`${command}\`.`);
        for (const line of [...stale, ...problems]) console.error(line);
        process.exit(stale.length + problems.length > 0 ? 1 : 0);
    }
    fs.mkdirSync(derivedDir, { recursive: true });
    for (const { file, generated } of files) fs.writeFileSync(file, generated);
    for (const line of problems) console.error(line);
    process.exit(problems.length > 0 ? 1 : 0);
}

if (require.main === module) {
    main().catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
