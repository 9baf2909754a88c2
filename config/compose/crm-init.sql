-- The CRM database of the docker compose setup (docs/docker-compose.md): the three tables the
-- customer360 product maps, and a few rows, so the first sync has something to snapshot.
-- The postgres-cdc source creates its own publication and replication slot.

CREATE TABLE customers (
  id          bigint PRIMARY KEY,
  first_name  text NOT NULL,
  last_name   text NOT NULL,
  email       text,
  ssn         text,
  phone       text,
  birth_date  date,
  created_at  timestamp NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id          bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  total       numeric(12, 2) NOT NULL,
  status      text NOT NULL,
  placed_at   timestamp NOT NULL DEFAULT now()
);

CREATE TABLE order_items (
  id       bigint PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  sku      text NOT NULL,
  qty      integer NOT NULL
);

-- Fictitious people (example.* addresses, 555-01xx numbers).
INSERT INTO customers (id, first_name, last_name, email, ssn, phone, birth_date, created_at) VALUES
  (1001, 'Ada', 'Lovelace', 'ada.lovelace@example.com', '078-05-1120', '+44 20 7946 0018', '1815-12-10', '2015-08-29 10:07:16.413666'),
  (1002, 'Grace', 'Hopper', 'grace.hopper@example.org', '219-09-9999', '+1 202 555 0101', '1906-12-09', '2016-03-01 09:00:00'),
  (1003, 'Alan', 'Turing', 'alan.turing@example.net', '457-55-5462', '+44 161 555 0102', '1912-06-23', '2017-06-07 12:30:00');

INSERT INTO orders (id, customer_id, total, status, placed_at) VALUES
  (10001, 1001, 441.83, 'shipped', '2021-08-19 03:00:05.84962'),
  (10002, 1001, 93.25, 'pending', '2022-03-05 16:05:38.785174'),
  (10003, 1002, 12.00, 'cancelled', '2023-01-15 08:45:00');

INSERT INTO order_items (id, order_id, sku, qty) VALUES
  (100001, 10001, 'SKU-02619', 1),
  (100002, 10002, 'SKU-20758', 1),
  (100003, 10002, 'SKU-00388', 3),
  (100004, 10003, 'SKU-22892', 2);
