import type { z } from 'zod';
import type { READINESS_VIEW } from '@ferry/api-schema';
import type { ReadinessReport } from '@ferry/service-runtime';

// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { LIVENESS, READINESS_VIEW } from '@ferry/api-schema';

/** The report service-runtime's Readiness makes is what this schema describes (checked when this compiles). */
export const describesReadiness = (report: ReadinessReport): z.input<typeof READINESS_VIEW> => report;
