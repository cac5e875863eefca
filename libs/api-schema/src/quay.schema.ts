import { z } from 'zod';

/** Quay's avatar of a user, robot, organization or service; Ferry draws none, so the hash is empty. */
export const AVATAR = z.object({ name: z.string(), hash: z.string(), color: z.string(), kind: z.string() });

/** A time as Quay writes those of tokens, robots and logs: RFC 2822 in UTC (`Tue, 01 Dec 2026 20:02:54 -0000`), or null. */
export const QUAY_DATE = z.string().nullable().meta({ description: 'RFC 2822, UTC (`Tue, 01 Dec 2026 20:02:54 -0000`)' });

/** A time as Quay writes those of mirrors: `YYYY-MM-DDTHH:MM:SSZ`, or null. */
export const QUAY_TIME = z.string().nullable().meta({ description: 'UTC, as Quay writes it: `YYYY-MM-DDTHH:MM:SSZ`' });

/** An ISO-8601 time as Ferry's own views write it. */
export const ISO_TIME = z.string().meta({ format: 'date-time' });

