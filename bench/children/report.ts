/**
 * How a benchmark child hands its measurement to the parent: one line `BENCH_RESULT <json>` on stdout, then
 * exit. Peak RSS is read here, at the very end, so it covers the whole run.
 */
export const resultPrefix = "BENCH_RESULT ";

/**
 * Set by the parent for the discarded warm-up run of each kind. tsx writes each TypeScript file it transforms
 * to its disk cache asynchronously (`fs.promises.writeFile`); a child that calls `process.exit` right after
 * reporting cuts those writes off (the cache files stay empty) and every measured run would transform the
 * sources again. The warm-up child therefore lets its pending work finish before it exits.
 */
export const warmUpEnvironment = "ENTRA_POSTGRES_BENCH_WARMUP";

export function reportToParent(measurement: Record<string, unknown>): void {
    const line = resultPrefix + JSON.stringify({ ...measurement, maxRssKb: process.resourceUsage().maxRSS }) + "\n";
    if (process.env[warmUpEnvironment] === "1") {
        // Exit when nothing is left to do (the cache writes included); a handle left open cannot hold it longer.
        process.stdout.write(line);
        setTimeout(() => process.exit(0), 20_000).unref();
        return;
    }
    process.stdout.write(line, () => process.exit(0));
}

export function failToParent(message: string): never {
    process.stderr.write(`${message}\n`);
    process.exit(1);
}
