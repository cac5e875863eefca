import type { DispatcherOptions } from '../registry-dispatcher';
import type { RegistryClientOptions, RegistryTransport } from '../registry-transport';
import type { RegistryCredentials } from '../token-authenticator';

/** The upstream APIs that can list the repositories of a namespace, for organization mirroring. */
export const RepositorySourceType = {
  /** The OCI distribution catalog, `GET /v2/_catalog`, with the registry's own auth. */
  Distribution: 'distribution',
  /** Quay's `GET /api/v1/repository?namespace=` (Ferry serves it too), with an API token. */
  Quay: 'quay',
  /** Harbor's `GET /api/v2.0/projects/{project}/repositories`, with Basic auth. */
  Harbor: 'harbor',
  /** Docker Hub's `GET /v2/namespaces/{namespace}/repositories` on hub.docker.com. */
  DockerHub: 'dockerhub',
} as const;
export type RepositorySourceType = (typeof RepositorySourceType)[keyof typeof RepositorySourceType];

/** One page of a namespace's repositories. */
export interface RepositoryPage {
  /**
   * Repository paths relative to the source's namespace (`app`, `team/app`), in the source's
   * order. May be empty while `next` is not null (a page that held no repository of the namespace).
   */
  repositories: string[];
  /**
   * Where the next page starts: a short opaque string to store (e.g. in an event) and hand back to
   * `listPage`, by this or a later lister of the same source; null when the listing is done.
   */
  next: string | null;
}

export interface ListPageOptions {
  /**
   * How many repositories to ask for (default 100), capped at what the API allows (distribution
   * 1000, Harbor and Docker Hub 100). Quay fixes its page size (100) and ignores it; a cursor of
   * a page-numbered API keeps the size it was made with.
   */
  pageSize?: number;
}

/**
 * Lists the repositories of one upstream namespace a page at a time, so a discovery run can
 * checkpoint the cursor after each page and resume there, never holding the whole listing.
 * One implementation per {@link RepositorySourceType}; all go through the registry client's
 * transport (address guard, TLS, proxy, retries, timeouts, cancel, stable error codes).
 */
export interface RepositoryLister {
  /**
   * The page that starts at `cursor` (null: the first). Fails with a {@link RegistryError}:
   * `UNAUTHORIZED`, `DENIED`, `NOT_FOUND` (no such namespace), `UPSTREAM_NOT_ALLOWED`,
   * `UPSTREAM_UNREACHABLE`, `TIMEOUT`, `TOOMANYREQUESTS`, `REGISTRY_UNAVAILABLE`,
   * `UNEXPECTED_RESPONSE`, `INVALID_CURSOR`, `CANCELLED`, or an OCI code from a registry.
   */
  listPage(cursor: string | null, opts?: ListPageOptions): Promise<RepositoryPage>;
  /** Closes the lister's connections. */
  close(): Promise<void>;
}

/** Where to discover repositories: an organization mirror's upstream. */
export interface RepositorySource extends Pick<DispatcherOptions, 'verifyTls' | 'caBundle' | 'proxy'> {
  type: RepositorySourceType;
  /**
   * The registry: `https://host[:port]`, `http://host[:port]`, or `host[:port]` (https; with
   * `verifyTls` false, plain http when the host does not speak TLS). For `dockerhub`, `docker.io`
   * (or `registry-1.docker.io`, `hub.docker.com`) means the API at `https://hub.docker.com`; any
   * other URL is taken as the base of a Docker Hub compatible API.
   */
  url: string;
  /**
   * The upstream namespace: Quay's organization or user, Harbor's project, Docker Hub's user or
   * organization. For `distribution`, a path (`library`, `org/team`) or empty for the whole registry.
   */
  namespace: string;
  /**
   * `distribution`: the registry's own (Basic, or the token service's). `quay`: the password is an
   * API (OAuth application) token, sent as a Bearer token; the username is not used. `harbor`:
   * Basic (a user or a robot account). `dockerhub`: a username with its password or personal
   * access token, exchanged for a Hub token. Absent: anonymous (public repositories only).
   */
  credentials?: RegistryCredentials;
}

/** How listers connect, beyond the source's own TLS and proxy settings: the worker's settings. */
export interface RepositoryListerOptions extends Pick<RegistryClientOptions, 'timeoutMs' | 'retry' | 'signal' | 'onRequest' | 'onExchange' | 'onRetry'> {
  /**
   * The upstream address guard, always on for a source, as for an upstream of a mirror: hosts
   * that are, or resolve to, loopback, private or link-local addresses are refused unless listed
   * here (`FERRY_SSRF_ALLOWED_HOSTS`). `lookup` replaces DNS (tests).
   */
  addressGuard: NonNullable<DispatcherOptions['addressGuard']>;
  /** Connections per host (default 2: a listing is one request at a time). */
  connectionsPerHost?: number;
}

/** What a source kind reads a page with. */
export interface PageReaderContext {
  transport: RegistryTransport;
  namespace: string;
  credentials: RegistryCredentials | undefined;
}

/** Reads the page at `cursor` with `pageSize` already capped to the kind's maximum. */
export type PageReader = (cursor: string | null, pageSize: number) => Promise<RepositoryPage>;

/** One kind of source: how its API is reached, authenticated and paged. */
export interface RepositorySourceKind {
  /** The most repositories a page of its API may hold. */
  maxPageSize: number;
  /** Whether an empty namespace (the whole registry) is allowed. */
  wholeRegistry: boolean;
  /**
   * Whether the transport answers the registry's auth challenges with the credentials (Basic or
   * the token service): true for the OCI API; the product APIs send their own header instead.
   */
  registryAuth: boolean;
  /** Where its API lives, given the source's URL (`docker.io` is served by hub.docker.com). */
  apiUrl?(url: URL): URL;
  open(context: PageReaderContext): PageReader;
}
