import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { isSecretWireValue, secretWireValue } from "../../plan/engine/sdkInternals";

/**
 * The wire form of a secret is the SDK's to define (sdk/nodejs/runtime/rpc.ts `specialSigKey`,
 * `specialSecretSig`). plan/engine/sdkInternals.ts reads it from the installed SDK; everything else asks that module
 * (or, in the policy pack, its own `@pulumi/pulumi`'s `runtime`), so an SDK that changed the signature cannot
 * leave a copy behind that still matches the old one.
 */
const root = path.resolve(__dirname, "../..");
/** Installed or built code, which is not ours. */
const skipped = new Set(["node_modules", "dist", ".git"]);
const allowed = new Set(["plan/engine/sdkInternals.ts"]);

/** The signature key and value, as the SDK has them (never spelled out here). */
function signature(): string[] {
    const wire = secretWireValue("x") as Record<string, unknown>;
    const key = Object.keys(wire).find((k) => k !== "value")!;
    return [key, String(wire[key])];
}

function files(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return skipped.has(entry.name) ? [] : files(full);
        }
        return entry.isFile() ? [full] : [];
    });
}

/** Every file under `dir` (relative, `/`-separated) that spells one of `needles`, with the allowed ones left out. */
export function filesSpelling(dir: string, needles: readonly string[]): string[] {
    return files(dir)
        .filter((file) => {
            const text = fs.readFileSync(file, "latin1");
            return needles.some((needle) => text.includes(needle));
        })
        .map((file) => path.relative(dir, file).split(path.sep).join("/"))
        .filter((file) => !allowed.has(file))
        .sort();
}

test("the signature comes from the SDK and marks what it wraps as a secret", () => {
    const [key, value] = signature();
    assert.match(key, /^[0-9a-f]{32}$/);
    assert.match(value, /^[0-9a-f]{32}$/);
    assert.equal(isSecretWireValue(secretWireValue("v")), true);
    assert.equal(isSecretWireValue({ [key]: "another-signature", value: "v" }), false);
});

test("the finder sees a spelled-out signature in any file, and skips installed code and the one allowed module", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signature-"));
    const [key, value] = signature();
    fs.mkdirSync(path.join(dir, "e2e/providers"), { recursive: true });
    fs.mkdirSync(path.join(dir, "plan/engine"), { recursive: true });
    fs.mkdirSync(path.join(dir, "policies/node_modules/x"), { recursive: true });
    fs.writeFileSync(path.join(dir, "e2e/providers/common.ts"), `const sig = "${key}";\n`);
    fs.writeFileSync(path.join(dir, "notes.md"), `secret: ${value}\n`);
    fs.writeFileSync(path.join(dir, "clean.ts"), "export const x = 1;\n");
    fs.writeFileSync(path.join(dir, "plan/engine/sdkInternals.ts"), `// ${key}\n`);
    fs.writeFileSync(path.join(dir, "policies/node_modules/x/rpc.js"), `exports.k = "${key}";\n`);
    const found = filesSpelling(dir, [key, value]);
    fs.rmSync(dir, { recursive: true });
    assert.deepEqual(found, ["e2e/providers/common.ts", "notes.md"]);
});

test("no file outside plan/engine/sdkInternals.ts spells out the secret signature", () => {
    assert.deepEqual(filesSpelling(root, signature()), []);
});
