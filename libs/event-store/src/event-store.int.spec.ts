import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { serviceActor } from '@ferry/contracts';
import { EventStore } from './event-store';
import { connectToNats } from './nats-connection';
import { foldDelivered, handleCommand } from './handle-command';
import { counterDecider, NATS_URL } from './counter.fixtures';


describe('the event store on a real JetStream', () => {
  const unique = randomUUID().replaceAll('-', '').slice(0, 12);
  let store: EventStore;
  const causation = { correlationId: 'c', causationId: 'c', actor: serviceActor('test') };

  before(async () => {
    store = await EventStore.connect({ natsUrl: NATS_URL, stream: `T_ES_${unique}`, subjectPrefix: `t${unique}` });
  });
  after(async () => {
    await store.destroyStream();
    await store.close();
  });

  it('reads back what it appended, in order, with the next expected sequence', async () => {
    const subject = `t${unique}.mirror.a`;
    await store.append(subject, [{ type: 'MirrorSyncNowRequested', data: { mirrorId: 'a' } }], { ...causation, aggregateId: 'a', expectedSequence: 0 });
    await store.append(subject, [{ type: 'MirrorDeleted', data: { mirrorId: 'a' } }], { ...causation, aggregateId: 'a' });
    const history = await store.read(subject);
    assert.deepEqual(history.events.map((e) => e.type), ['MirrorSyncNowRequested', 'MirrorDeleted']);
    assert.equal(history.lastSequence, history.events[1]!.position);
    assert.equal(history.events[0]!.schemaVersion, 1);
  });

  it('reads a subject interleaved with others from any position, the first few events one by one and the rest by a consumer', async () => {
    const subject = `t${unique}.mirror.long`;
    const neighbour = `t${unique}.mirror.neighbour`;
    const positions: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [mine] = await store.append(subject, [{ type: 'MirrorSyncNowRequested', data: { mirrorId: `long-${i}` } }], { ...causation, aggregateId: 'long' });
      positions.push(mine!.position);
      await store.append(neighbour, [{ type: 'MirrorSyncNowRequested', data: { mirrorId: 'neighbour' } }], { ...causation, aggregateId: 'neighbour' });
    }
    const ids = (events: { data: unknown }[]) => events.map((e) => (e.data as { mirrorId: string }).mirrorId);
    const all = Array.from({ length: 20 }, (_, i) => `long-${i}`);
    // From the start, from a position just behind the head (one event new), and from between events.
    assert.deepEqual(ids((await store.read(subject)).events), all);
    // A history expected short is read from the start by message gets, and by a consumer past a few.
    assert.deepEqual(ids((await store.read(subject, 0, { short: true })).events), all);
    assert.deepEqual(ids((await store.read(`t${unique}.mirror.a`, 0, { short: true })).events), ['a', 'a']);
    assert.deepEqual(ids((await store.read(subject, positions[18]!)).events), ['long-19']);
    const fromMiddle = await store.read(subject, positions[4]! + 1);
    assert.deepEqual(ids(fromMiddle.events), all.slice(5));
    assert.equal(fromMiddle.lastSequence, positions[19]);
  });

  it('watches a subject: what was appended after the given position, then each new event once, from any process, until aborted', async () => {
    const subject = `t${unique}.mirror.watched`;
    const [before] = await store.append(subject, [{ type: 'MirrorSyncNowRequested', data: { mirrorId: 'before' } }], { ...causation, aggregateId: 'w' });
    const [missed] = await store.append(subject, [{ type: 'MirrorSyncNowRequested', data: { mirrorId: 'missed' } }], { ...causation, aggregateId: 'w' });
    const other = await EventStore.connect({ natsUrl: NATS_URL, stream: `T_ES_${unique}`, subjectPrefix: `t${unique}` });
    const stop = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const event of store.watchSubject(subject, before!.position, stop.signal)) {
        seen.push((event.data as { mirrorId: string }).mirrorId);
        if (seen.length === 1) {
          await other.append(subject, [{ type: 'MirrorSyncNowRequested', data: { mirrorId: 'theirs' } }], { ...causation, aggregateId: 'w' });
          await store.append(`t${unique}.mirror.elsewhere`, [{ type: 'MirrorSyncNowRequested', data: { mirrorId: 'elsewhere' } }], { ...causation, aggregateId: 'x' });
          await store.append(subject, [{ type: 'MirrorSyncNowRequested', data: { mirrorId: 'mine' } }], { ...causation, aggregateId: 'w' });
        }
        if (seen.length === 3) stop.abort();
      }
    })();
    try {
      await watching;
      assert.deepEqual(seen, ['missed', 'theirs', 'mine']);
      assert.ok(missed!.position > before!.position);
    } finally {
      await other.close();
    }
  });

  it('stores an event once when its publish is repeated after a lost ack', async () => {
    const subject = `t${unique}.mirror.dup`;
    const [event] = await store.append(subject, [{ type: 'MirrorDeleted', data: { mirrorId: 'dup' } }], { ...causation, aggregateId: 'dup', expectedSequence: 0 });
    const { position, subject: _s, ...original } = event!;
    const repeat = await store.publishEvent(subject, original as never, 0);
    assert.deepEqual(repeat, { seq: position, duplicate: true });
    assert.equal((await store.read(subject)).events.length, 1);
  });

  it('stores an event once when the whole append is repeated with the same event id', async () => {
    const subject = `t${unique}.mirror.again`;
    const id = randomUUID();
    const append = () => store.append(subject, [{ type: 'MirrorDeleted', data: { mirrorId: 'again' } }], { ...causation, aggregateId: 'again', eventIds: [id] });
    const [first] = await append();
    const [repeat] = await append();
    assert.equal(first!.id, id);
    assert.equal(repeat!.position, first!.position);
    assert.deepEqual((await store.read(subject)).events.map((e) => e.id), [id]);
  });

  it('reads an empty subject as no events at sequence 0', async () => {
    assert.deepEqual(await store.read(`t${unique}.mirror.none`), { events: [], lastSequence: 0 });
  });

  it('refuses an append whose expected sequence is stale', async () => {
    const subject = `t${unique}.mirror.b`;
    await store.append(subject, [{ type: 'MirrorDeleted', data: { mirrorId: 'b' } }], { ...causation, aggregateId: 'b', expectedSequence: 0 });
    await assert.rejects(
      store.append(subject, [{ type: 'MirrorDeleted', data: { mirrorId: 'b' } }], { ...causation, aggregateId: 'b', expectedSequence: 0 }),
      { code: 'WRONG_EXPECTED_VERSION' },
    );
  });

  it('keeps every command of concurrent writers by retrying conflicts from a fresh read', async () => {
    const subject = `t${unique}.mirror.c`;
    await Promise.all(
      Array.from({ length: 8 }, () => handleCommand(store, subject, 'c', counterDecider, { kind: 'request' }, causation)),
    );
    const history = await store.read(subject);
    assert.equal(history.events.length, 8);
  });

  it('sees events another process appended since this one last folded the subject', async () => {
    const subject = `t${unique}.mirror.e`;
    const other = await EventStore.connect({ natsUrl: NATS_URL, stream: `T_ES_${unique}`, subjectPrefix: `t${unique}` });
    try {
      await handleCommand(store, subject, 'e', counterDecider, { kind: 'request' }, causation);
      // Another process has its own cache: a copy of the decider stands for it.
      await handleCommand(other, subject, 'e', { ...counterDecider }, { kind: 'request' }, causation);
      const result = await handleCommand(store, subject, 'e', counterDecider, { kind: 'request' }, causation);
      assert.equal(result.state.requests, 3);
      assert.deepEqual((await store.read(subject, result.events[0]!.position)).events, []);
    } finally {
      await other.close();
    }
  });

  it('decides on the fold it kept without reading, and reads and decides again when another process wrote since', async () => {
    const subject = `t${unique}.mirror.trusted`;
    const other = await EventStore.connect({ natsUrl: NATS_URL, stream: `T_ES_${unique}`, subjectPrefix: `t${unique}` });
    const reads: number[] = [];
    const read = store.read.bind(store);
    store.read = (s, after) => (reads.push(after ?? 0), read(s, after));
    // Refuses a fourth request: a decision that depends on the whole history.
    const capped: typeof counterDecider = { ...counterDecider, decide: (c, state) => (state.requests >= 3 ? assert.fail('at most three') : counterDecider.decide(c, state)) };
    try {
      await handleCommand(store, subject, 't', capped, { kind: 'request' }, causation);
      assert.equal(reads.length, 1);
      const second = await handleCommand(store, subject, 't', capped, { kind: 'request' }, causation, { trustFold: true });
      assert.equal(second.state.requests, 2);
      assert.equal(reads.length, 1, 'no read: its fold was the whole history');
      // Another process (a copy of the decider: its own cache) writes the third.
      await handleCommand(other, subject, 't', { ...capped }, { kind: 'request' }, causation);
      // On its stale fold (two), a fourth looks allowed: the append finds the subject moved, and the fresh history refuses it.
      await assert.rejects(handleCommand(store, subject, 't', capped, { kind: 'request' }, causation, { trustFold: true }), /at most three/);
      assert.equal(reads.length, 2);
      assert.equal((await read(subject)).events.length, 3);
    } finally {
      store.read = read;
      await other.close();
    }
  });

  it('delivers each event of a durable consumer to one of its competing consumers', async () => {
    const subject = `t${unique}.run.d`;
    for (let i = 0; i < 6; i++) {
      await store.append(subject, [{ type: 'MirrorDeleted', data: { mirrorId: `d${i}` } }], { ...causation, aggregateId: 'd' });
    }
    const seen: string[] = [];
    const stop = new AbortController();
    const consumer = (name: string) =>
      store.consumeDurable('workers', `t${unique}.run.*`, async (event) => {
        seen.push(`${name}:${(event.data as { mirrorId: string }).mirrorId}`);
        if (seen.length === 6) stop.abort();
        return { ack: true };
      }, stop.signal);
    await Promise.all([consumer('one'), consumer('two')]);
    assert.deepEqual(seen.map((s) => s.split(':')[1]).sort(), ['d0', 'd1', 'd2', 'd3', 'd4', 'd5']);
  });

  it('acks the events its handler passes over without handing them to it, all of them by the time it stops', async () => {
    const subject = `t${unique}.pass.p`;
    const types = ['MirrorDeleted', 'MirrorSyncNowRequested', 'MirrorDeleted', 'MirrorDeleted', 'MirrorSyncNowRequested'] as const;
    for (const type of types) await store.append(subject, [{ type, data: { mirrorId: 'p' } }], { ...causation, aggregateId: 'p' });
    const handled: string[] = [];
    const stop = new AbortController();
    const durable = `pass-${unique}`;
    // A process of its own, whose connection drains as soon as the consumer returns (as a service stops).
    const consumerStore = await EventStore.connect({ natsUrl: NATS_URL, stream: `T_ES_${unique}`, subjectPrefix: `t${unique}` });
    await consumerStore.consumeDurable(durable, subject, async (event) => {
      handled.push(event.type);
      if (handled.length === 2) stop.abort();
      return { ack: true };
    }, stop.signal, { wants: (type) => type === 'MirrorSyncNowRequested' });
    await consumerStore.close();
    assert.deepEqual(handled, ['MirrorSyncNowRequested', 'MirrorSyncNowRequested']);
    // Acks are applied by the server in their own time; one left unsent would wait out the ack wait (30 s).
    const connection = await connectToNats(NATS_URL);
    try {
      const jsm = await jetstreamManager(connection);
      let info = await jsm.consumers.info(`T_ES_${unique}`, durable);
      for (let tries = 0; tries < 50 && info.num_ack_pending > 0; tries++) {
        await new Promise((r) => setTimeout(r, 100));
        info = await jsm.consumers.info(`T_ES_${unique}`, durable);
      }
      assert.equal(info.num_ack_pending, 0, 'every event acked, the passed-over ones included');
      assert.equal(info.num_pending, 0);
      assert.equal(info.ack_floor.stream_seq, info.delivered.stream_seq);
    } finally {
      await connection.close();
    }
  });

  it("hands a consumer each event's predecessor on its subject, so a kept fold takes the event without a read", async () => {
    const subject = `t${unique}.fold.f`;
    const mine: typeof counterDecider = { ...counterDecider };
    const other = await EventStore.connect({ natsUrl: NATS_URL, stream: `T_ES_${unique}`, subjectPrefix: `t${unique}` });
    try {
      const first = await handleCommand(store, subject, 'f', mine, { kind: 'request' }, causation);
      // Another process appends the second, against the first.
      const second = await handleCommand(other, subject, 'f', { ...counterDecider }, { kind: 'request' }, causation);
      const delivered: Array<{ position: number; previous: number | undefined }> = [];
      const stop = new AbortController();
      await store.consumeDurable(`fold-${unique}`, subject, async (event, message) => {
        delivered.push({ position: event.position, previous: message.previousPosition });
        if (delivered.length === 2) stop.abort();
        return { ack: true };
      }, stop.signal);
      const [p1, p2] = [first.events[0]!.position, second.events[0]!.position];
      assert.deepEqual(delivered, [{ position: p1, previous: 0 }, { position: p2, previous: p1 }]);
      const [secondEvent] = second.events;
      assert.equal(await foldDelivered(store, subject, mine, secondEvent!, p1 - 1), false, 'a fold that does not end just before it is left alone');
      assert.equal(await foldDelivered(store, subject, mine, secondEvent!, p1), true);
      const reads: number[] = [];
      const read = store.read.bind(store);
      store.read = (s, after) => (reads.push(after ?? 0), read(s, after));
      try {
        const third = await handleCommand(store, subject, 'f', mine, { kind: 'request' }, causation, { trustFold: true });
        assert.equal(third.state.requests, 3);
        assert.deepEqual(reads, [], 'the fold with the delivered event was the whole history');
      } finally {
        store.read = read;
      }
    } finally {
      await other.close();
    }
  });
  it('brings a fold up to a delivered event by reading only what lies before it: a process new to the subject, one another process wrote past', async () => {
    const subject = `t${unique}.fold.cold`;
    const writer: typeof counterDecider = { ...counterDecider };
    for (let i = 0; i < 3; i++) await handleCommand(store, subject, 'c', writer, { kind: 'request' }, causation);
    const delivered = await handleCommand(store, subject, 'c', writer, { kind: 'request' }, causation);
    const [event] = delivered.events;
    const history = await store.read(subject);
    const before = history.events.at(-2)!.position;
    // An event appended after the delivered one is not read: the trusting command's append is refused, and it reads.
    await handleCommand(store, subject, 'c', writer, { kind: 'request' }, causation);
    const cold: typeof counterDecider = { ...counterDecider };
    const reads: Array<{ after: number; through?: number }> = [];
    const read = store.read.bind(store);
    store.read = (s, after, options) => (reads.push({ after: after ?? 0, through: options?.through }), read(s, after, options));
    try {
      assert.equal(await foldDelivered(store, subject, cold, event!, before), true);
      assert.deepEqual(reads, [{ after: 0, through: before }], 'one read, through the event before the delivered one');
      reads.length = 0;
      const next = await handleCommand(store, subject, 'c', cold, { kind: 'request' }, causation, { trustFold: true });
      assert.equal(next.state.requests, 6, 'the refused append read what came after the delivered event');
      assert.deepEqual(reads.map((r) => r.after), [event!.position]);
      // A fold behind the delivered event reads from where it ends.
      const behind: typeof counterDecider = { ...counterDecider };
      await foldDelivered(store, subject, behind, history.events[1]!, history.events[0]!.position);
      reads.length = 0;
      assert.equal(await foldDelivered(store, subject, behind, event!, before), true);
      assert.deepEqual(reads, [{ after: history.events[1]!.position, through: before }]);
    } finally {
      store.read = read;
    }
  });
});
