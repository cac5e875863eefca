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
    const local = config.targetStorage && config.registryTokens ? { storage: new TargetStorage(config.targetStorage), clients: new ClientPulls(config.registryTokens), writeFills: config.writeFillsToStorage } : null;
    this.proxyCache = new ProxyCacheFront(this.target, this.settings, { warn: (message) => this.logger.warn(message) }, this.eviction, local);
  }

  async onModuleInit(): Promise<void> {
    if (this.target.writable) this.eviction.start();
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
    this.logger.log(`registry front on http://${this.config.host}:${port}/v2/, in front of ${this.target.url}${this.config.targetStorage ? `, reading its storage at ${this.config.targetStorage}` : ''}`);
  }

  async onApplicationShutdown(): Promise<void> {
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
