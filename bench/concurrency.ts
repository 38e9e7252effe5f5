/**
 * Runs `work` for every item with at most `limit` calls in flight, the way the Pulumi engine bounds the
 * resource operations it runs at once. Resolves to the results in item order; the first failure rejects
 * (after the calls already started have settled, so nothing is left running against the server).
 */
export async function runLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
    if (!Number.isInteger(limit) || limit < 1) {
        throw new Error(`concurrency limit must be a positive integer, got ${limit}`);
    }
    const results = new Array<R>(items.length);
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async (): Promise<void> => {
        while (failure === undefined && next < items.length) {
            const index = next++;
            try {
                results[index] = await work(items[index], index);
            } catch (error) {
                failure ??= { error };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    if (failure) throw failure.error;
    return results;
}
