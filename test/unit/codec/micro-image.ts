import Database from 'better-sqlite3';

/** A customer360-shaped SQLite image with 512-byte pages, and the same schema empty (the dictionary). */
export function microImages(orders = 3): { readonly image: Buffer; readonly empty: Buffer } {
  const db = new Database(':memory:');
  db.pragma('page_size = 512');
  db.exec('VACUUM');
  db.exec(`
    CREATE TABLE customers (id INTEGER PRIMARY KEY, first_name TEXT, email TEXT, ssn TEXT);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total TEXT, status TEXT);
    CREATE TABLE _cellar_meta (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
  `);
  const empty = db.serialize();
  db.prepare('INSERT INTO customers VALUES (?, ?, ?, ?)').run(
    42,
    'Annabelle',
    'annabelle.os@example.com',
    '839-22-1234',
  );
  for (let i = 0; i < orders; i += 1)
    db.prepare('INSERT INTO orders VALUES (?, 42, ?, ?)').run(i, `${i}.99`, 'shipped');
  const image = db.serialize();
  db.close();
  return { image, empty };
}
