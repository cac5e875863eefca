import { z } from 'zod';
import { responseSchema } from './response-schema';

/** Quay's RegistryCapabilities: sparse manifests and the architectures a mirror can filter by. */
export const REGISTRY_CAPABILITIES = responseSchema(
  'RegistryCapabilities',
  z.object({
    sparse_manifests: z.object({
      supported: z.boolean(),
      required_architectures: z.array(z.string()),
      optional_architectures_allowed: z.boolean(),
    }),
    mirror_architectures: z.array(z.string()).meta({ description: 'Architectures a mirror\'s `architecture_filter` offers, sorted.' }),
  }),
);
export type RegistryCapabilitiesView = z.output<typeof REGISTRY_CAPABILITIES>;
