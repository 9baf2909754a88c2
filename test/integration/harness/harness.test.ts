import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createDatabase } from './create-database.js';
import { startKafka } from './kafka.js';
import { LineReader } from './line-reader.js';
import { startPostgres } from './postgres.js';
import { uniqueName } from './unique-name.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/start-and-wait.ts', import.meta.url));

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Polls `check` every 100 ms until it returns true; fails after `timeoutMs`. */
async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: still not true after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function portAccepts(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host: host!, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs the fixture in a child process (without the external-server variables) and reads its JSON line. */
async function startInChild(kind: 'postgres' | 'kafka') {
  const { DATABASE_URL: _db, KAFKA_BROKERS: _kafka, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, kind], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const line = await new LineReader(child.stdout).next(60_000);
  if (line === undefined) throw new Error(`the fixture exited without starting ${kind}: ${stderr}`);
  return { child, started: JSON.parse(line) as { url?: string; brokers?: string[] } };
}

describe('PostgreSQL harness', () => {
  const serverUrl = inject('databaseUrl');

  it('answers select 1 and runs with wal_level=logical', async () => {
    expect(await query(serverUrl, 'select 1 as one')).toEqual([{ one: 1 }]);
    expect(await query(serverUrl, 'show wal_level')).toEqual([{ wal_level: 'logical' }]);
  });

  it('listens on 127.0.0.1 only when it started the server itself', async () => {
    const [{ listen_addresses }] = (await query<{ listen_addresses: string }>(
      serverUrl,
      'show listen_addresses',
    )) as [{ listen_addresses: string }];
    if (process.env.DATABASE_URL) expect(serverUrl).toBe(process.env.DATABASE_URL);
    else expect(listen_addresses).toBe('127.0.0.1');
  });

  it('creates isolated databases that accept a logical replication slot', async () => {
    const name = uniqueName('harness');
    const dbUrl = await createDatabase(serverUrl, name);
    expect(new URL(dbUrl).pathname).toBe(`/${name}`);
    expect(await query(dbUrl, 'select current_database() as db')).toEqual([{ db: name }]);
    await query(dbUrl, 'create table only_here (id int primary key)');

    const config: pg.ClientConfig & { replication: string } = {
      connectionString: dbUrl,
      replication: 'database',
    };
    const replication = new pg.Client(config);
    await replication.connect();
    try {
      const slot = uniqueName('slot');
      const created = await replication.query(`CREATE_REPLICATION_SLOT ${slot} LOGICAL pgoutput`);
      expect(created.rows[0]).toMatchObject({ slot_name: slot, output_plugin: 'pgoutput' });
      expect(
        await query(serverUrl, `select database from pg_replication_slots where slot_name = '${slot}'`),
      ).toEqual([{ database: name }]);
    } finally {
      await replication.end();
    }

    // Recreating the same name (a rerun) drops the old database, slot and table included.
    await createDatabase(serverUrl, name);
    expect(await query(dbUrl, `select to_regclass('only_here') as t`)).toEqual([{ t: null }]);
    expect(
      await query(
        serverUrl,
        `select count(*)::int as n from pg_replication_slots where database = '${name}'`,
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('refuses database names that would need quoting', async () => {
    await expect(createDatabase(serverUrl, 'Robert"; drop')).rejects.toThrow(/must match/);
  });

  it('stops its own server and removes its folder when the test process is killed', async () => {
    if (process.env.DATABASE_URL) {
      // With an external server there is nothing to start: the URL is handed back and stop() leaves it running.
      const server = await startPostgres();
      await server.stop();
      expect(await query(server.url, 'select 1 as one')).toEqual([{ one: 1 }]);
      return;
    }
    const { child, started } = await startInChild('postgres');
    const url = started.url!;
    const [{ data_directory }] = (await query<{ data_directory: string }>(url, 'show data_directory')) as [
      { data_directory: string },
    ];
    const baseDir = dirname(data_directory);
    expect(existsSync(baseDir)).toBe(true);
    child.kill('SIGKILL');
    await eventually('server gone', async () => !(await portAccepts(new URL(url).host)));
    await eventually('folder removed', () => !existsSync(baseDir));
  });
});

describe('Kafka harness', () => {
  it('produces to a 3-partition topic, consumes with a group, commits, and shares partitions with a second member', async () => {
    const topic = uniqueName('orders');
    const groupId = uniqueName('group');
    const cluster = await startKafka({ brokers: 3, topics: [{ name: topic, partitions: 3 }] });
    const kafka = new Kafka({
      clientId: 'harness-test',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    const newConsumer = () =>
      kafka.consumer({ groupId, sessionTimeout: 6_000, rebalanceTimeout: 3_000, heartbeatInterval: 500 });
    const first = newConsumer();
    const second = newConsumer();
    const admin = kafka.admin();
    try {
      await producer.connect();
      await producer.send({
        topic,
        messages: Array.from({ length: 10 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` })),
      });

      const received: string[] = [];
      const assignments = { first: [] as number[], second: [] as number[] };
      first.on(first.events.GROUP_JOIN, (e) => {
        assignments.first = e.payload.memberAssignment[topic] ?? [];
      });
      second.on(second.events.GROUP_JOIN, (e) => {
        assignments.second = e.payload.memberAssignment[topic] ?? [];
      });
      await first.connect();
      await first.subscribe({ topic, fromBeginning: true });
      await first.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          received.push(String(message.value));
          await first.commitOffsets([{ topic, partition, offset: String(BigInt(message.offset) + 1n) }]);
        },
      });
      await eventually('all 10 messages consumed', () => received.length >= 10);
      expect(received.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `value-${i}`).sort());
      expect(assignments.first.sort()).toEqual([0, 1, 2]);

      await admin.connect();
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      const total = committed[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
      expect(total).toBe(10);

      await second.connect();
      await second.subscribe({ topic, fromBeginning: true });
      await second.run({ eachMessage: async () => {} });
      await eventually('the second member gets a share', () => assignments.second.length > 0, 45_000);
      await eventually('the first member gives its share up', () => assignments.first.length < 3, 15_000);
      expect([...assignments.first, ...assignments.second].sort()).toEqual([0, 1, 2]);
    } finally {
      await Promise.allSettled([
        first.disconnect(),
        second.disconnect(),
        producer.disconnect(),
        admin.disconnect(),
      ]);
      await cluster.stop();
    }
  });

  it('creates topics on a running cluster', async () => {
    const cluster = await startKafka({ topics: [] });
    const admin = new Kafka({
      clientId: 'harness-test',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    try {
      const topic = uniqueName('later');
      await cluster.createTopics([{ name: topic, partitions: 5 }]);
      await admin.connect();
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0]?.partitions).toHaveLength(5);
    } finally {
      await admin.disconnect();
      await cluster.stop();
    }
  });

  it('refuses a bad topic spec before starting anything', async () => {
    await expect(startKafka({ topics: [{ name: 'bad topic', partitions: 1 }] })).rejects.toThrow(
      /must be 1-249/,
    );
    await expect(startKafka({ topics: [{ name: 'ok', partitions: 0 }] })).rejects.toThrow(/partitions/);
  });

  it('stops a mock cluster when the test process is killed', async () => {
    if (process.env.KAFKA_BROKERS) {
      const cluster = await startKafka({ topics: [] });
      await cluster.stop();
      expect(cluster.brokers.join(',')).toBe(
        process.env.KAFKA_BROKERS.split(',')
          .map((b) => b.trim())
          .join(','),
      );
      return;
    }
    const { child, started } = await startInChild('kafka');
    const brokers = started.brokers!;
    expect(brokers).toHaveLength(2);
    for (const broker of brokers) {
      expect(broker.startsWith('127.0.0.1:')).toBe(true);
      expect(await portAccepts(broker)).toBe(true);
    }
    child.kill('SIGKILL');
    for (const broker of brokers)
      await eventually(`${broker} closed`, async () => !(await portAccepts(broker)));
  });
});
