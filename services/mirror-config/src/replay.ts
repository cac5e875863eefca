import { EventStore } from '@ferry/event-store';
import { apiReadModels, openDatabase, ProjectionRunner, schedulerReadModels } from '@ferry/read-models';
import { ConfigReader, readBaseConfig } from '@ferry/service-runtime';

/**
 * `npm run replay`: rebuilds every read model from the first event. Each group is rebuilt in one
 * transaction, so running services keep serving the old rows until the new ones commit.
 */
async function main(): Promise<void> {
  const reader = new ConfigReader(process.env);
  const config = readBaseConfig(reader);
  reader.done();
  const dataSource = await openDatabase(config.databaseUrl);
  const store = await EventStore.connect({ natsUrl: config.natsUrl, stream: config.eventStream, subjectPrefix: config.subjectPrefix, replicas: config.streamReplicas });
  try {
    for (const group of [apiReadModels, schedulerReadModels]) {
      const started = Date.now();
      const head = await new ProjectionRunner(dataSource, store, group).rebuild();
      console.log(`replay: ${group.name} rebuilt from ${head} events in ${Date.now() - started} ms`);
    }
  } finally {
    await store.close();
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(`replay failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
