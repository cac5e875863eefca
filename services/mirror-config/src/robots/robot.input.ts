import { z } from 'zod';
import { requestSchema } from '../http/operation';
import { quayObject, text } from '../http/request-body';

/** PUT .../robots/{name}: Quay's body; Ferry keeps no metadata of its own for a robot. */
export const CREATE_ROBOT_BODY = requestSchema(
  'CreateRobotRequest',
  quayObject({ description: text(255).optional(), unstructured_metadata: z.unknown().optional().meta({ description: 'Accepted for Quay\'s clients and ignored.' }) }),
  { quay: true },
);
