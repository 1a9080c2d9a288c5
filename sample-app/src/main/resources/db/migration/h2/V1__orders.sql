-- Timestamps are UTC date-times without a zone; amounts are exact decimals.
CREATE TABLE orders (
    order_no        VARCHAR(128)   NOT NULL PRIMARY KEY,
    uid             VARCHAR(64)    NOT NULL,
    period_number   VARCHAR(64)    NOT NULL,
    amount          DECIMAL(19, 2) NOT NULL,
    profit_amount   DECIMAL(19, 2) NOT NULL,
    like_count      BIGINT         NOT NULL,
    share_count     BIGINT         NOT NULL,
    follow_count    BIGINT         NOT NULL,
    favorite_count  BIGINT         NOT NULL,
    status          VARCHAR(16)    NOT NULL,
    expire_time     TIMESTAMP(6)   NOT NULL,
    created_at      TIMESTAMP(6)   NOT NULL,
    updated_at      TIMESTAMP(6)   NOT NULL,
    version         BIGINT         NOT NULL,
    idempotency_key VARCHAR(64),
    CONSTRAINT orders_status_check CHECK (status IN ('pending', 'paid', 'cancelled', 'expired')),
    CONSTRAINT orders_idempotency_key_unique UNIQUE (idempotency_key)
);

CREATE INDEX orders_period_number ON orders (period_number);

-- One counter per period hands out the sequence part of ORDER_{period}_{sequence}.
CREATE TABLE order_sequences (
    period_number VARCHAR(64) NOT NULL PRIMARY KEY,
    last_value    BIGINT      NOT NULL
);
