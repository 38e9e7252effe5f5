import * as path from "node:path";

/** The project's root folder (where `Pulumi.yaml` and the stack files are). */
export const projectRoot = path.resolve(__dirname, "..", "..");
/** The project name in `Pulumi.yaml`, the namespace of its config keys. */
export const projectName = "entra-postgres";
/** The program's entry point, `index.ts`. */
export const programEntry = require.resolve("../../index");
