import { Controller, Get } from '@nestjs/common';
import { REGISTRY_CAPABILITIES, type RegistryCapabilitiesView } from '@ferry/api-schema';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Operation } from '../http/operation';

/**
 * The architectures Quay's mirroring offers as filters. Ferry's `architecture_filter` takes any
 * platform (`linux/arm64/v8` too); these are the ones a client lists to choose from.
 */
const MIRROR_ARCHITECTURES = ['386', 'amd64', 'arm', 'arm64', 'ppc64le', 'riscv64', 's390x'];

/**
 * Quay's registry capabilities, public as Quay's are. Ferry pushes an index holding only the
 * children it copied (a new digest), never a sparse one the target must accept, so sparse
 * manifests read as Quay's do with its SPARSE_INDEX feature off.
 */
@Controller('api/v1/registry/capabilities')
export class CapabilitiesController {
  @Get()
  @Requires(requires.public())
  @Operation({ summary: 'What the registry supports: sparse manifests, and the architectures a mirror can filter by (Quay\'s RegistryCapabilities)', responses: { 200: REGISTRY_CAPABILITIES } })
  capabilities(): RegistryCapabilitiesView {
    return {
      sparse_manifests: { supported: false, required_architectures: [], optional_architectures_allowed: false },
      mirror_architectures: [...MIRROR_ARCHITECTURES],
    };
  }
}
