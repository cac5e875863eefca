import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as descriptor from 'protobufjs/ext/descriptor';

/** The reflection protocol's own proto, as @grpc/reflection ships it: the client knows no Ferry proto. */
const REFLECTION_PROTO = join(dirname(require.resolve('@grpc/reflection/package.json')), 'build', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');

interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}

type ReflectionStream = grpc.ClientDuplexStream<Record<string, unknown>, ReflectionResponse>;

/**
 * What `grpcurl -plaintext <address> list` and `grpcurl ... describe <service>` ask: a client of
 * `grpc.reflection.v1.ServerReflection` that sends one request per call on the bidirectional stream.
 */
export class ReflectionClient {
  private readonly client: grpc.Client & { ServerReflectionInfo(): ReflectionStream };

  constructor(address: string) {
    const definition = protoLoader.loadSync(REFLECTION_PROTO, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
    const v1 = (grpc.loadPackageDefinition(definition) as any).grpc.reflection.v1;
    this.client = new v1.ServerReflection(address, grpc.credentials.createInsecure());
  }

  /** The fully-qualified names of the services the server offers (`grpcurl list`). */
  async listServices(): Promise<string[]> {
    const answer = await this.ask({ list_services: '' });
    return answer.list_services_response!.service.map((s) => s.name).sort();
  }

  /** The service's methods with their request and response types (`grpcurl describe <service>`), from the file that declares it. */
  async describeService(fullName: string): Promise<{ name: string; inputType: string; outputType: string }[]> {
    const answer = await this.ask({ file_containing_symbol: fullName });
    if (answer.error_response) throw new Error(`reflection refused ${fullName}: ${answer.error_response.error_message}`);
    const files = answer.file_descriptor_response!.file_descriptor_proto.map((bytes) => descriptor.FileDescriptorProto.decode(bytes) as unknown as FileDescriptor);
    const dot = fullName.lastIndexOf('.');
    const file = files.find((f) => f.package === fullName.slice(0, dot) && f.service?.some((s) => s.name === fullName.slice(dot + 1)));
    if (!file) throw new Error(`no file descriptor declares ${fullName}`);
    return file.service!.find((s) => s.name === fullName.slice(dot + 1))!.method.map((m) => ({ name: m.name, inputType: m.inputType, outputType: m.outputType }));
  }

  close(): void {
    this.client.close();
  }

  private ask(request: Record<string, unknown>): Promise<ReflectionResponse> {
    return new Promise((resolve, reject) => {
      const stream = this.client.ServerReflectionInfo();
      stream.once('data', (response: ReflectionResponse) => {
        resolve(response);
        stream.end();
      });
      stream.once('error', reject);
      stream.write(request);
    });
  }
}

interface FileDescriptor {
  package: string;
  service?: { name: string; method: { name: string; inputType: string; outputType: string }[] }[];
}
