// ESLint flat config: JavaScript's and typescript-eslint's recommended rules everywhere, and Pulumi's rules
// (@pulumi/eslint-plugin: no Output in a template literal) on the program and the components, where Outputs
// flow. Those rules need type information, so only those files are linted with the TypeScript project.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

/** Node.js's CommonJS globals, for the workflow scripts (.cjs). */
const nodeGlobals = Object.fromEntries(
    ["require", "module", "exports", "__dirname", "__filename", "process", "console", "Buffer", "URL", "setTimeout", "clearTimeout", "fetch"].map(
        (name) => [name, name === "module" || name === "exports" ? "writable" : "readonly"],
    ),
);

export default tseslint.config(
    { ignores: ["node_modules/", "policies/node_modules/", "dist/", "policies/dist/", "**/*.d.ts"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            // TypeScript's own convention (noUnusedLocals/noUnusedParameters ignore a leading underscore).
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" }],
        },
    },
    {
        files: ["components/**/*.ts"],
        rules: {
            // The role provider loads these inside its functions on purpose: Pulumi serializes the provider's
            // closure, and a require at call time is serialized as a require, not as the captured module.
            "@typescript-eslint/no-require-imports": ["error", { allow: ["^pg$", "^crypto$", "^fs$", "^@azure/identity$", "^entra-postgres/provider$"] }],
        },
    },
    {
        files: ["test/**/*.ts", "testing/**/*.ts", "e2e/**/*.ts", "plan/**/*.ts", "bench/**/*.ts"],
        rules: {
            // These load programs, scripts and SDK modules afresh or by computed path at run time (a new
            // index.ts per run, a child per measurement), which a static import cannot do.
            "@typescript-eslint/no-require-imports": "off",
        },
    },
    {
        files: ["test/**/*.ts", "testing/**/*.ts", "e2e/**/*.ts", "plan/**/*.ts"],
        rules: {
            // Recorded resource properties, provider RPC payloads and raw stack settings are untyped JSON from the engine or a YAML
            // file; the tests and the recorder index into them freely and assert on the values.
            "@typescript-eslint/no-explicit-any": "off",
        },
    },
    {
        files: ["**/*.cjs"],
        languageOptions: { sourceType: "commonjs", globals: nodeGlobals },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: ["index.ts", "components/**/*.ts", "network/**/*.ts"],
        plugins: { "@pulumi": pulumi },
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
    {
        linterOptions: { reportUnusedDisableDirectives: "error" },
    },
);
