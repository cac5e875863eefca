/*
 * Defaults of a sync run, chosen from the benchmark (docs/benchmarks.md) on a 2-core machine
 * against docker-registry 2.8: the registries' CPU is the bottleneck, so beyond these numbers
 * more requests in flight only queue inside the registry.
 */

/** Tags in flight at once. Enough that every manifest of a small repository is read at the start, so its big shared blobs start first. */
export const DEFAULT_TAG_CONCURRENCY = 16;
/** Blob transfers at once (the biggest waiting blob goes first). */
export const DEFAULT_BLOB_CONCURRENCY = 16;
/** Connections, hence concurrent requests, per registry host. */
export const DEFAULT_CONNECTIONS_PER_HOST = 16;
