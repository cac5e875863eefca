import { z } from 'zod';
import { responseSchema } from './response-schema';
import { QUAY_DATE } from './quay.schema';

/** A robot account; its token only when it is made or regenerated. */
export const ROBOT_VIEW = responseSchema(
  'Robot',
  z.object({
    name: z.string().meta({ description: 'namespace+name' }),
    description: z.string(),
    created: QUAY_DATE,
    last_accessed: QUAY_DATE,
    unstructured_metadata: z.record(z.string(), z.unknown()),
    token: z.string().optional().meta({ description: 'Shown when the robot is made or its token regenerated, never again.' }),
  }),
);
export type RobotView = z.output<typeof ROBOT_VIEW>;

export const ROBOT_LIST = responseSchema('RobotList', z.object({ robots: z.array(ROBOT_VIEW) }));
export type RobotListView = z.output<typeof ROBOT_LIST>;
