// `npm run kafka:dev -- [--brokers N] [--topic name:partitions]...`
//
// Runs librdkafka's mock Kafka cluster (native/build/kafka-mock, built first when missing or
// stale) on 127.0.0.1 for trying Cellar by hand, prints `KAFKA_BROKERS=<host:port,...>`, and
// serves until Ctrl-C (or SIGTERM). Lines typed on stdin are passed to the launcher, so
// `topic <name>:<partitions>` adds a topic while it runs. Data lives in memory only, and the ports
// are new on every start.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ensureNativeBuilt, KAFKA_MOCK_PATH } from '../test/setup/system-probe.mjs';

try {
  if (ensureNativeBuilt('inherit')) console.error('kafka:dev: built native/build/kafka-mock');
} catch (err) {
  console.error(`kafka:dev: ${err.message}`);
  process.exit(1);
}

// The launcher gets a pipe as stdin, held by this process: it stops when this process ends, even
// when started in the background with stdin at /dev/null.
const mock = spawn(KAFKA_MOCK_PATH, process.argv.slice(2), { stdio: ['pipe', 'pipe', 'inherit'] });
mock.stdin.on('error', () => {});
let started = false;
createInterface({ input: mock.stdout }).on('line', (line) => {
  if (!started && line.startsWith('BOOTSTRAP=')) {
    started = true;
    console.log(`KAFKA_BROKERS=${line.slice('BOOTSTRAP='.length)}`);
    console.error('kafka:dev: serving; type `topic <name>:<partitions>` to add a topic, Ctrl-C to stop');
  } else {
    console.log(line);
  }
});
process.stdin.pipe(mock.stdin, { end: false });

function stop() {
  mock.stdin.end();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
mock.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
