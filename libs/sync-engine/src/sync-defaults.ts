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
/**
 * Blobs above this size go up in chunks (a PATCH each, then a PUT): registries and proxies in
 * front of them often cap one request's body. Smaller ones go up in a single PUT.
 */
export const DEFAULT_CHUNKED_THRESHOLD_BYTES = 256 * 1024 * 1024;
/**
 * Each chunk is streamed from the upstream, never held in memory; the registry answers between
 * chunks, which stalls the stream, so fewer, bigger chunks are faster (a 1 GiB layer into
 * docker-registry 2.8: 16 MiB chunks 6.8–7.0 s, 64 MiB 6.6 s, 128 MiB 6.0–6.3 s).
 */
export const DEFAULT_CHUNK_SIZE_BYTES = 128 * 1024 * 1024;
