/**
 * Plain JavaScript, run by node directly like the compiled Cellar, so no loader overhead skews it.
 * The baseline: a bare Fastify route answering a fixed JSON body of an entity's size, no auth,
 * no masking, no audit. Prints `LISTENING <port>`.
 */
import Fastify from 'fastify';

const body = JSON.parse(process.env.BENCH_BODY ?? '{}');
const app = Fastify({ logger: false });
app.get('/json', async () => body);
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`LISTENING ${new URL(address).port}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
