import { dirname, join } from 'node:path';
import type { Server } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import type { MirrorConfigServiceConfig } from '../config';

/**
 * The protos ship in @ferry/contracts' package root (`proto/`), not in `dist/`, so they are found
 * the same way from a clone, `npm start`, the e2e tests and the container image.
 */
export const PROTO_ROOT = join(dirname(require.resolve('@ferry/contracts/package.json')), 'proto');
export const MIRROR_PROTO = join(PROTO_ROOT, 'ferry', 'v1', 'mirror.proto');
export const ORG_MIRROR_PROTO = join(PROTO_ROOT, 'ferry', 'v1', 'org_mirror.proto');
export const GRPC_PACKAGE = 'ferry.v1';

/**
 * How messages become objects, on the server and in clients: Quay's snake_case names as written,
 * 64-bit integers as numbers, and only the fields that were sent (so `optional` means "keep").
 */
export const PROTO_LOADER_OPTIONS = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: false,
  arrays: true,
  oneofs: false,
  includeDirs: [PROTO_ROOT],
};

/**
 * The gRPC server of the hybrid app: `ferry.v1.MirrorService` and `ferry.v1.OrgMirrorService` on FERRY_API_HOST:FERRY_GRPC_PORT,
 * and gRPC server reflection (v1 and v1alpha) built from the same loaded protos, so `grpcurl` and
 * other clients can list and call the API without the proto files. Reflection is public, as the
 * OpenAPI document is: it describes the API, it grants nothing (every method still needs its permission).
 */
export function grpcServerOptions(config: Pick<MirrorConfigServiceConfig, 'apiHost' | 'grpcPort'>): GrpcOptions {
  const host = config.apiHost.includes(':') ? `[${config.apiHost}]` : config.apiHost;
  return {
    transport: Transport.GRPC,
    options: {
      package: GRPC_PACKAGE,
      protoPath: [MIRROR_PROTO, ORG_MIRROR_PROTO],
      url: `${host}:${config.grpcPort}`,
      loader: PROTO_LOADER_OPTIONS,
      onLoadPackageDefinition: (definition: ConstructorParameters<typeof ReflectionService>[0], server: Pick<Server, 'addService'>) => new ReflectionService(definition).addToServer(server),
    },
  };
}
