import { z } from 'zod';
import type { ProxyCacheConfig } from '@ferry/contracts';
import { responseSchema } from '../http/operation';

/** Quay's `proxy_cache_view`: empty strings when the organization has none; never the credentials. */
export const PROXY_CACHE_VIEW = responseSchema(
  'ProxyCacheConfig',
  z.object({
    upstream_registry: z.string(),
    expiration_s: z.union([z.number().int(), z.literal('')]),
    insecure: z.union([z.boolean(), z.literal('')]),
    stale_bound_s: z.union([z.number().int(), z.literal('')]).meta({ description: 'Ferry\'s: how long past expiry a cached manifest is served while the upstream fails.' }),
    promotion_rule: z
      .object({ min_pulls: z.number().int(), days: z.number().int(), robot_username: z.string(), keep_newest: z.number().int().nullable() })
      .nullable()
      .meta({ description: 'Ferry\'s: when a much-pulled repository becomes a scheduled mirror; null: by hand only.' }),
    size_limit_bytes: z.union([z.number().int(), z.null(), z.literal('')]).meta({ description: "Ferry's: the most bytes the cache may hold in the target before the least recently pulled images are evicted; null: no limit." }),
    cached_bytes: z.union([z.number().int(), z.literal('')]).meta({ description: "Ferry's: the bytes the cache holds in the target now (manifests and the blobs they name, once per repository), as the registry front's events count them." }),
  }),
);
export type ProxyCacheView = z.output<typeof PROXY_CACHE_VIEW>;

export function proxyCacheView(config: ProxyCacheConfig | null, cachedBytes = 0): ProxyCacheView {
  if (!config) return { upstream_registry: '', expiration_s: '', insecure: '', stale_bound_s: '', promotion_rule: null, size_limit_bytes: '', cached_bytes: '' };
  const rule = config.promotion ?? null;
  return {
    upstream_registry: config.upstreamRegistry,
    expiration_s: config.expirationS,
    insecure: config.insecure,
    stale_bound_s: config.staleBoundS,
    promotion_rule: rule ? { min_pulls: rule.minPulls, days: rule.days, robot_username: rule.robotUsername, keep_newest: rule.keepNewest } : null,
    size_limit_bytes: config.sizeLimitBytes ?? null,
    cached_bytes: cachedBytes,
  };
}

/** Quay answers these routes with bare JSON strings. */
export const jsonString = (value: string, description: string) => ({ contentType: 'application/json', description, schema: z.literal(value) });
export const PROXY_CACHE_CREATED = jsonString('Created', 'The JSON string `"Created"`, as Quay answers.');
export const PROXY_CACHE_DELETED = jsonString('Deleted', 'The JSON string `"Deleted"` with status 201, as Quay answers.');
export const PROXY_CACHE_VALID = {
  contentType: 'application/json',
  description: 'The JSON string `"Valid"` (the upstream answered `/v2/` with these credentials) or `"Anonymous"` (it asks for a login, and none was given), as Quay answers.',
  schema: z.enum(['Valid', 'Anonymous']),
};
