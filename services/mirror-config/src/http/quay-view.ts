import { z } from 'zod';

/** Quay's answer to a change that has nothing else to say. */
export const SUCCESS = z.object({ success: z.literal(true) });
