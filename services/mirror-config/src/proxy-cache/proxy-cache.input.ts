import { z } from 'zod';
import { parseUpstreamRegistry } from '@ferry/proxy-cache';
import { requestSchema } from '../http/operation';
import { quayObject, text } from '../http/request-body';

/** Quay's default `expiration_s` (its UI's): a day. */
export const DEFAULT_EXPIRATION_S = 86_400;
/** Ferry's default staleness bound: a week past expiry. */
export const DEFAULT_STALE_BOUND_S = 604_800;

const SECONDS = (max: number) => {
  const message = `must be a whole number of seconds from 1 to ${max}`;
  return z.number({ error: message }).int({ error: message }).min(1, { error: message }).max(max, { error: message });
};

const whole = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
};

const SIZE_LIMIT_MESSAGE = 'must be a whole number of bytes, at least 1, or null for no limit';

/** Ferry's rule that makes a much-pulled repository a scheduled mirror. */
const PROMOTION_RULE = z
  .object(
    {
      min_pulls: whole(1, 1_000_000).meta({ description: 'Pulls (registry tokens granting pull) within `days` that promote a repository.' }),
      days: whole(1, 365),
      robot_username: text(255, 'is required: the robot (namespace+name) that writes the mirrors'),
      keep_newest: whole(1, 1000).nullable().optional().meta({ description: 'Mirror only the newest N of the pulled tags, by version.' }),
    },
    { error: 'must be {min_pulls, days, robot_username, keep_newest?} or null' },
  )
  .meta({ description: 'Ferry\'s: a repository pulled at least min_pulls times in days days becomes a scheduled mirror of its upstream, of the tags pulled through the cache.' });

/**
 * Quay's `NewProxyCacheConfig` (`upstream_registry` required; the username, password, expiration
 * and insecure Quay's UI sends beside it; its `org_name` is the path's) and Ferry's
 * `stale_bound_s`. The same body serves the validation route.
 */
export const PROXY_CACHE_BODY = requestSchema(
  'ProxyCacheConfigRequest',
  quayObject({
    upstream_registry: text(1024, 'is required: the registry to cache, such as quay.io/namespace').superRefine((value, ctx) => {
      const parsed = parseUpstreamRegistry(value);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    }).meta({ description: 'The registry to cache, `host[:port][/namespace]` (Quay\'s `quay.io/projectquay`; `docker.io` is Docker Hub).' }),
    upstream_registry_username: text(255).nullable().optional().meta({ description: 'The upstream account; null or absent: anonymous pulls.' }),
    upstream_registry_password: text(4096).nullable().optional().meta({ description: 'Its password or token: stored encrypted, never shown again.' }),
    expiration_s: SECONDS(31_536_000).optional().meta({ description: `How long a manifest pulled by tag is served before the upstream is asked again (default ${DEFAULT_EXPIRATION_S}).` }),
    insecure: z.boolean({ error: 'must be true or false' }).optional().meta({ description: 'Speak plain HTTP to the upstream (Quay\'s insecure).' }),
    org_name: text(255).optional().meta({ description: 'Quay\'s UI sends it; the path names the organization.' }),
    stale_bound_s: SECONDS(31_536_000)
      .optional()
      .meta({ description: `Ferry's: how long past expiry a cached manifest is still served while the upstream fails (default ${DEFAULT_STALE_BOUND_S}).` }),
    promotion_rule: PROMOTION_RULE.nullable().optional(),
    size_limit_bytes: z
      .number({ error: SIZE_LIMIT_MESSAGE })
      .int({ error: SIZE_LIMIT_MESSAGE })
      .min(1, { error: SIZE_LIMIT_MESSAGE })
      .max(Number.MAX_SAFE_INTEGER, { error: SIZE_LIMIT_MESSAGE })
      .nullable()
      .optional()
      .meta({ description: "Ferry's: the most bytes the organization's cached content may take in the target; past it the least recently pulled images are evicted. Null or absent: no limit." }),
  }).superRefine((body, ctx) => {
    if (body.upstream_registry_password && !body.upstream_registry_username) {
      ctx.addIssue({ code: 'custom', path: ['upstream_registry_username'], message: 'is required with upstream_registry_password' });
    }
  }),
  { quay: true },
);
export type ProxyCacheBody = z.output<typeof PROXY_CACHE_BODY>;

/**
 * Ferry's promotion of a repository pulled through the cache to a scheduled repository mirror of
 * its upstream: the robot that writes it, how often, and which tags (by default those pulled
 * through the cache by tag), of which the newest N by version may be kept.
 */
export const PROXY_CACHE_PROMOTE_BODY = requestSchema(
  'ProxyCachePromoteRequest',
  quayObject({
    robot_username: text(255, 'is required: the robot (namespace+name) that writes the mirror').meta({ description: 'The robot of the organization that writes the mirrored images.' }),
    sync_interval: z
      .number({ error: 'must be a whole number of seconds from 60 to 31536000' })
      .int({ error: 'must be a whole number of seconds from 60 to 31536000' })
      .min(60, { error: 'must be a whole number of seconds from 60 to 31536000' })
      .max(31_536_000, { error: 'must be a whole number of seconds from 60 to 31536000' })
      .optional()
      .meta({ description: 'Seconds between runs (default 86400).' }),
    tags: z.array(text(128), { error: 'must be a list of tag patterns' }).min(1, { error: 'must name at least one tag pattern' }).max(100, { error: 'must name at most 100 patterns' }).optional().meta({ description: 'Tag globs to mirror; default: the tags pulled through the cache.' }),
    keep_newest: z.number({ error: 'must be a whole number from 1 to 1000' }).int({ error: 'must be a whole number from 1 to 1000' }).min(1, { error: 'must be a whole number from 1 to 1000' }).max(1000, { error: 'must be a whole number from 1 to 1000' }).optional().meta({ description: 'Keep only the newest N of those tags, by version.' }),
  }),
  { quay: true },
);
