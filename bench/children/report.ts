/**
 * How a benchmark child hands its measurement to the parent: one line `BENCH_RESULT <json>` on stdout, then
 * exit. Peak RSS is read here, at the very end, so it covers the whole run.
 */
export const resultPrefix = "BENCH_RESULT ";

export function reportToParent(measurement: Record<string, unknown>): void {
    const line = resultPrefix + JSON.stringify({ ...measurement, maxRssKb: process.resourceUsage().maxRSS }) + "\n";
    process.stdout.write(line, () => process.exit(0));
}

export function failToParent(message: string): never {
    process.stderr.write(`${message}\n`);
    process.exit(1);
}
