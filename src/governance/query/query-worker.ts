/**
 * The query worker: a child process that runs one sandboxed query at a time on a masked copy of
 * an entity and replies with JSON-safe rows. Started by `QueryProcessPool`; not for other use.
 *
 * A process rather than a worker thread because a SQLite statement cannot be interrupted from
 * JavaScript: `Worker.terminate()` waits for a statement stuck in native code (forever, for an
 * unbounded recursive query), while a process can be killed. The process gets no environment
 * (no secrets), writes nothing to disk and holds only the masked copy it was sent.
 */
import { isQueryRequest } from './query-protocol.js';
import { runQuery } from './query-runner.js';

function serve(): void {
  const send = process.send?.bind(process);
  if (send === undefined) {
    process.exitCode = 2; // not started by the pool: nothing to talk to
    return;
  }
  process.on('message', (message: unknown) => {
    if (!isQueryRequest(message)) {
      process.exit(3); // a protocol error: the parent kills and replaces us anyway
    }
    send(runQuery(message));
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

serve();
