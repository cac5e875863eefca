import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { EventStore } from '@ferry/event-store';
import { parseDistributionPath, splitRepositoryName } from '@ferry/proxy-cache';
import { createSecretBox } from '@ferry/secrets';
import { errorText, EVENT_STORE } from '@ferry/service-runtime';
import type { RegistryFrontConfig } from '../config';
import { FRONT_CONFIG } from '../tokens';
import { sendOciError } from './oci-answer';
import { CacheEviction } from './cache-eviction';
import { ProxyCacheFront, relay } from './proxy-cache-front';
import { ProxyCacheSettings } from './proxy-cache-settings';
import { ClientPulls } from './client-pulls';
import { forwardedHeaders, TargetRegistry } from './target-registry';
import { storageIsTargets } from './storage-probe';
import { TargetStorage } from './target-storage';

/**
 * The registry front: the OCI distribution API on its own address. A plain node:http server
 * (inside the Nest application that gives it the event log, configuration, logs, metrics and
 * health like every service) because what it does is move bytes: requests and bodies are streamed
 * through untouched, which Nest's routing, body parsing and interceptors would only get in the
 * way of. Repositories of ordinary namespaces pass through to the target as they are (pushes
 * included); those of proxy-cache organizations are served by {@link ProxyCacheFront}.
 */
@Injectable()
export class FrontServer implements OnModuleInit, OnApplicationShutdown {
  private server: Server | null = null;
  private readonly target: TargetRegistry;
  private readonly settings: ProxyCacheSettings;
  private readonly proxyCache: ProxyCacheFront;
  private readonly eviction: CacheEviction;
  private readonly logger = new Logger('front');

  constructor(
    @Inject(FRONT_CONFIG) private readonly config: RegistryFrontConfig,
    @Inject(EVENT_STORE) store: EventStore,
  ) {
    this.target = new TargetRegistry(config.target, config.registryTokens);
    this.settings = new ProxyCacheSettings(store, createSecretBox(config.encryptionKey), {
      ssrfAllowedHosts: config.ssrfAllowedHosts,
      upstreamTimeoutMs: config.upstreamTimeoutMs,
      reuseMs: config.settingsReuseMs,
    });
    this.eviction = new CacheEviction(store, this.target, this.settings, { warn: (message) => this.logger.warn(message) });
    this.proxyCache = new ProxyCacheFront(this.target, this.settings, { warn: (message) => this.logger.warn(message) }, this.eviction);
  }

  async onModuleInit(): Promise<void> {
    if (this.target.writable) this.eviction.start();
    await this.probeStorage();
    if (!this.target.writable) this.logger.warn('FERRY_TOKEN_SIGNING_KEY is not set: proxy-cache organizations are served from the target only, nothing is fetched upstream');
    // Large socket buffers: blobs go through in fewer, bigger writes and fewer drain turns.
    const server = createServer({ highWaterMark: 1 << 20 }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.logger.error(`${req.method} ${req.url}: ${errorText(error)}`);
        sendOciError(res, 502, 'UNKNOWN', `the registry front could not answer: ${errorText(error)}`);
      });
    });
    // Blob bodies can take long; a stalled client is the socket timeout's, not a request deadline's.
    server.requestTimeout = 0;
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.port, this.config.host, () => resolve());
    });
    this.server = server;
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : this.config.port;
    this.logger.log(`registry front on http://${this.config.host}:${port}/v2/, in front of ${this.target.url}`);
  }

  private probeTimer: NodeJS.Timeout | null = null;

  /**
   * FERRY_FRONT_TARGET_STORAGE is used once a probe showed it is the target's storage; until then
   * (the target not answering yet: asked again every 10 s) and for good when it is not, every read
   * and write goes through the target, as without the setting.
   */
  private async probeStorage(): Promise<void> {
    const root = this.config.targetStorage;
    if (!root || !this.config.registryTokens) return;
    const storage = new TargetStorage(root);
    try {
      if (!(await storageIsTargets(storage, this.target))) {
        // A setting that names the wrong directory is the operator's to fix, not a fault of the front's: a warning.
        this.logger.warn(`FERRY_FRONT_TARGET_STORAGE=${root} is not the storage of the target registry ${this.target.url} (a blob written there is unknown to it): reading and writing through the target instead`);
        return;
      }
    } catch (error) {
      this.logger.warn(`cannot check FERRY_FRONT_TARGET_STORAGE=${root} yet (reading and writing through the target meanwhile; again in 10 s): ${errorText(error)}`);
      this.probeTimer = setTimeout(() => void this.probeStorage(), 10_000);
      this.probeTimer.unref();
      return;
    }
    this.proxyCache.useStorage({ storage, clients: new ClientPulls(this.config.registryTokens) });
    this.logger.log(`reading cached blobs from the target's storage at ${root}, and writing fills into it`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.probeTimer) clearTimeout(this.probeTimer);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
    await this.eviction.stop();
    await this.target.close();
    await this.settings.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://front');
    const route = parseDistributionPath(url.pathname);
    const readable = req.method === 'GET' || req.method === 'HEAD';
    const named = 'name' in route ? splitRepositoryName(route.name) : null;
    const org = readable && named && this.target.writable ? await this.settings.organization(named.namespace).catch((error: unknown) => this.settingsUnreadable(error)) : null;
    if (!org || !named || !('name' in route)) return this.passThrough(req, res);
    switch (route.kind) {
      case 'manifest':
        return this.proxyCache.manifest(req, res, org, named.repository, route.reference);
      case 'blob':
        return this.proxyCache.blob(req, res, org, named.repository, route.digest);
      case 'tags':
        return this.proxyCache.tags(req, res, org, named.repository, url.search);
      default:
        return this.passThrough(req, res);
    }
  }

  private lastSettingsWarning = 0;

  /**
   * Without the event log (NATS away) the front cannot tell a proxy-cache organization from an
   * ordinary namespace: it passes the request to the target, which serves what it holds, so
   * ordinary repositories and cached content stay pullable. Said once a minute at most.
   */
  private settingsUnreadable(error: unknown): null {
    if (Date.now() - this.lastSettingsWarning > 60_000) {
      this.lastSettingsWarning = Date.now();
      this.logger.warn(`cannot read proxy-cache settings from the event log, passing requests to the target as they are: ${errorText(error)}`);
    }
    return null;
  }

  /** The request as it came, to the target, and its answer as it comes back. */
  private async passThrough(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = await this.target.forward(req.method ?? 'GET', req.url ?? '/', forwardedHeaders(req.headers), req);
    await relay(res, answer);
  }
}
