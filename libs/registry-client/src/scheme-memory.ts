import { HostMemory } from './host-memory';

/**
 * What `auto` found each registry host to speak (https or plain http), kept between runs. Without
 * it every run against a plain-http upstream with TLS verification off first tried a TLS handshake
 * on a new connection, failed, and dialled again: the largest single cost of a one-tag run in the
 * scheduling benchmark. An answer is trusted for `ttlMs` and forgotten at once when a request to
 * the host fails to connect, so a registry that moves to TLS is probed again by the next run.
 */
export class SchemeMemory extends HostMemory<'https' | 'http'> {}
