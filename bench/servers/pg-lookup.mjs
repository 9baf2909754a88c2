/**
 * The alternative users build today: Fastify in front of PostgreSQL, reading one customer, its
 * orders and their items with three queries on a pooled connection, authenticated by the same kind
 * of bearer-key check. Prints `LISTENING <port>`.
 */
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.BENCH_PG_URL, max: 10 });
const app = Fastify({ logger: false });
app.get('/customers/:id', async (request, reply) => {
  if (request.headers.authorization !== `Bearer ${process.env.BENCH_KEY}`) return reply.code(401).send({});
  const id = request.params.id;
  const customer = await pool.query('SELECT * FROM customers WHERE id = $1', [id]);
  if (customer.rowCount === 0) return reply.code(404).send({});
  const orders = await pool.query('SELECT * FROM orders WHERE customer_id = $1 ORDER BY id', [id]);
  const items = await pool.query(
    'SELECT i.* FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.customer_id = $1 ORDER BY i.id',
    [id],
  );
  return { customers: customer.rows[0], orders: orders.rows, order_items: items.rows };
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`LISTENING ${new URL(address).port}\n`);
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
);
