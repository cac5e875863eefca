/** Runs `work` over `items` with at most `concurrency` at once; the sum of what each returns. */
export async function sumInLanes<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<number>): Promise<number> {
  let total = 0;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) total += await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return total;
}
