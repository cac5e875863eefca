import { z } from 'zod';
import { responseSchema } from './response-schema';
import { QUAY_DATE } from './quay.schema';

/** A robot account; its token when it is made, regenerated or read alone (never in a list). */
export const ROBOT_VIEW = responseSchema(
  'Robot',
  z.object({
    name: z.string().meta({ description: 'namespace+name' }),
    description: z.string(),
    created: QUAY_DATE,
    last_accessed: QUAY_DATE,
    unstructured_metadata: z.record(z.string(), z.unknown()),
    token: z.string().optional().meta({ description: 'Shown to an organization admin when the robot is made, its token regenerated or the robot read alone; each reading is in the usage logs.' }),
  }),
);
export type RobotView = z.output<typeof ROBOT_VIEW>;

export const ROBOT_LIST = responseSchema('RobotList', z.object({ robots: z.array(ROBOT_VIEW) }));
export type RobotListView = z.output<typeof ROBOT_LIST>;

/** "View Credentials": a robot's token as a Docker login, a Docker `config.json` and a Kubernetes pull secret. */
export const ROBOT_CREDENTIALS = responseSchema(
  'RobotCredentials',
  z.object({
    username: z.string(),
    password: z.string(),
    registry: z.string().meta({ description: 'The target registry\'s host (and port)' }),
    docker_login: z.string().meta({ description: 'The `docker login` command' }),
    docker_config: z.object({ auths: z.record(z.string(), z.object({ auth: z.string(), email: z.string() })) }).meta({ description: 'A Docker `config.json`' }),
    kubernetes_secret: z
      .object({
        apiVersion: z.literal('v1'),
        kind: z.literal('Secret'),
        metadata: z.object({ name: z.string() }),
        type: z.literal('kubernetes.io/dockerconfigjson'),
        data: z.object({ '.dockerconfigjson': z.string() }),
      })
      .meta({ description: 'A Kubernetes pull secret (`kubectl apply -f`)' }),
  }),
);
export type RobotCredentialsView = z.output<typeof ROBOT_CREDENTIALS>;
