import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO_ROOT = join(__dirname, '..', '..', 'libs', 'contracts', 'proto');

type Unary = (request: object, metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, response: any) => void) => void;
/** A client of ferry.v1.MirrorService built from the proto, as any client would build one. */
export type MirrorClient = grpc.Client & Record<string, Unary>;

export function mirrorClient(address: string): MirrorClient {
  return ferryClient(address, 'MirrorService');
}

/** A client of one of Ferry's gRPC services (`MirrorService`, `OrgMirrorService`), built from the protos. */
export function ferryClient(address: string, service: 'MirrorService' | 'OrgMirrorService'): MirrorClient {
  const definition = protoLoader.loadSync([join(PROTO_ROOT, 'ferry', 'v1', 'mirror.proto'), join(PROTO_ROOT, 'ferry', 'v1', 'org_mirror.proto')], {
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    arrays: true,
    includeDirs: [PROTO_ROOT],
  });
  const ferry = (grpc.loadPackageDefinition(definition) as any).ferry.v1;
  return new ferry[service](address, grpc.credentials.createInsecure()) as MirrorClient;
}

/** One unary call with `authorization: <value>` metadata when given; resolves with the answer or the error. */
export function grpcCall(client: MirrorClient, method: string, request: object, authorization?: string): Promise<{ ok: true; response: any } | { ok: false; error: grpc.ServiceError }> {
  const metadata = new grpc.Metadata();
  if (authorization !== undefined) metadata.set('authorization', authorization);
  return new Promise((resolve) => {
    client[method]!.call(client, request, metadata, (error, response) => resolve(error ? { ok: false, error } : { ok: true, response }));
  });
}
