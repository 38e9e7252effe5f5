/** Small statistics and formatting helpers shared by the benchmarks. */

/** Median of `values` (mean of the two middle values for an even count). Throws on an empty list. */
export function median(values: readonly number[]): number {
    if (values.length === 0) {
        throw new Error("median of no values: the benchmark made no measurement");
    }
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Smallest and largest of `values`. */
export function range(values: readonly number[]): { min: number; max: number } {
    return { min: Math.min(...values), max: Math.max(...values) };
}

/** Milliseconds, with a precision that suits the magnitude (`0.42 ms`, `12.3 ms`, `1 234 ms`). */
export function formatMs(ms: number): string {
    if (ms < 10) return `${ms.toFixed(2)} ms`;
    if (ms < 100) return `${ms.toFixed(1)} ms`;
    return `${Math.round(ms).toLocaleString("en-US")} ms`;
}

/** Seconds of a modelled duration as `m:ss` (`1472` → `24:32`). */
export function formatMinutes(seconds: number): string {
    const whole = Math.round(seconds);
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** Kibibytes as megabytes (`262144` → `256 MB`; 1 MB = 1024 KiB, as `/usr/bin/time` and `ps` count). */
export function formatMb(kib: number): string {
    return `${Math.round(kib / 1024)} MB`;
}

/** A ratio as `1.23×`. */
export function formatRatio(ratio: number): string {
    return `${ratio.toFixed(2)}×`;
}

/** `met` or `NOT met`, for the targets tables. */
export function verdict(met: boolean): string {
    return met ? "met" : "**NOT met**";
}
