import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError, mirrorId, serviceActor } from '@ferry/contracts';
import { BackgroundTask, errorText } from '@ferry/service-runtime';
import type { MirrorConfigServiceConfig } from '../config';
import { MirrorLookup } from '../mirror-lookup';
import { SERVICE_CONFIG } from '../tokens';
import { ProxyCacheQueries } from './proxy-cache-queries';
import { ProxyCacheService } from './proxy-cache.service';

const ACTOR = serviceActor('proxy-cache-promotion');

/**
 * Applies the proxy caches' promotion rules every `FERRY_PROXY_CACHE_PROMOTION_SECONDS`: each
 * repository pulled at least `min_pulls` times in `days` days that has no mirror yet becomes one,
 * as `POST .../proxycache/promote` makes it. Two API processes may both try: the second is
 * refused by the mirror's decider and passes on.
 */
@Injectable()
export class ProxyCachePromotion implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: BackgroundTask;
  private readonly logger = new Logger('proxy-cache');

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: MirrorConfigServiceConfig,
    private readonly queries: ProxyCacheQueries,
    private readonly mirrors: MirrorLookup,
    private readonly proxyCaches: ProxyCacheService,
  ) {
    this.task = new BackgroundTask('proxy-cache promotion', (signal) => this.loop(signal));
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.pass();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.proxyCachePromotionSeconds * 1000);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }

  /** One look at every rule; what it promoted. */
  async pass(now = new Date()): Promise<string[]> {
    const promoted: string[] = [];
    for (const { organization, config } of await this.queries.current()) {
      const rule = config.promotion;
      if (!rule) continue;
      const since = new Date(now.getTime() - rule.days * 86_400_000);
      for (const repository of await this.queries.pulledAtLeast(organization, rule.minPulls, since)) {
        // A nested name (cache-hub/library/nginx) is the cache's alone: a repository mirror is namespace/name.
        if (repository.includes('/')) continue;
        if (await this.mirrors.exists(mirrorId(organization, repository))) continue;
        const id = randomUUID();
        try {
          await this.proxyCaches.promote(
            organization,
            repository,
            { robot_username: rule.robotUsername, ...(rule.keepNewest ? { keep_newest: rule.keepNewest } : {}) },
            { correlationId: id, causationId: id, actor: ACTOR },
          );
          promoted.push(`${organization}/${repository}`);
          this.logger.log(`promoted ${organization}/${repository} to a scheduled mirror: pulled at least ${rule.minPulls} times in ${rule.days} days`);
        } catch (error) {
          // Another API process promoted it first, or it cannot be (no tag pulled, the robot gone): said, and tried again next pass.
          if (!(error instanceof DomainError)) this.logger.warn(`could not promote ${organization}/${repository}: ${errorText(error)}`);
        }
      }
    }
    return promoted;
  }
}
