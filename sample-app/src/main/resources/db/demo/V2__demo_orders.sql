-- The seed's example period, so that the warm-up and GET /orders/20241201_001 have something to show.
INSERT INTO orders (order_no, uid, period_number, amount, profit_amount, like_count, share_count, follow_count,
                    favorite_count, status, expire_time, created_at, updated_at, version)
VALUES ('ORDER_20241201_001_001', 'user123', '20241201_001', 100.00, 5.00, 10, 5, 3, 2, 'pending',
        TIMESTAMP '2024-12-01 10:05:00', TIMESTAMP '2024-12-01 10:00:00', TIMESTAMP '2024-12-01 10:00:00', 0),
       ('ORDER_20241201_001_002', 'user456', '20241201_001', 59.90, 2.40, 3, 1, 0, 1, 'paid',
        TIMESTAMP '2024-12-01 10:06:00', TIMESTAMP '2024-12-01 10:01:00', TIMESTAMP '2024-12-01 10:02:30', 1),
       ('ORDER_20241201_001_003', 'user789', '20241201_001', 250.00, 12.50, 0, 0, 1, 0, 'cancelled',
        TIMESTAMP '2024-12-01 10:08:00', TIMESTAMP '2024-12-01 10:03:00', TIMESTAMP '2024-12-01 10:04:10', 1);

INSERT INTO order_sequences (period_number, last_value) VALUES ('20241201_001', 3);
