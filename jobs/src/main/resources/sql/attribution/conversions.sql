-- Conversions: the start of every paying interval (PayingIntervals: the first conversion or a
-- comeback) inside the attribution window [:window_start, :run_end), with its revenue: the
-- account's paid invoices issued from the conversion day on, within the revenue window, before
-- the account's next conversion and not after the run date.
-- Output: customer_key, converted_at (unique together), revenue.
WITH intervals AS (
  SELECT account_id, started_at
  FROM IDENTIFIER(:intervals)
),
invoices AS (
  SELECT account_id, status, issued_at, amount_reporting
  FROM IDENTIFIER(:invoices)
),
starts AS (
  SELECT account_id,
         started_at,
         LEAD(started_at) OVER (PARTITION BY account_id ORDER BY started_at) AS next_started_at
  FROM intervals
),
conversions AS (
  SELECT account_id AS customer_key, started_at AS converted_at, next_started_at
  FROM starts
  WHERE started_at >= :window_start AND started_at < :run_end
),
revenue AS (
  SELECT c.customer_key, c.converted_at, SUM(i.amount_reporting) AS revenue
  FROM conversions c
  INNER JOIN invoices i
    ON i.account_id = c.customer_key
   AND i.status = 'paid'
   AND TO_DATE(i.issued_at) >= TO_DATE(c.converted_at)
   AND TO_DATE(i.issued_at) < DATE_ADD(TO_DATE(c.converted_at), :revenue_window_days)
   AND (c.next_started_at IS NULL OR i.issued_at < c.next_started_at)
   AND i.issued_at < :run_end
  GROUP BY c.customer_key, c.converted_at
)
SELECT c.customer_key,
       c.converted_at,
       CAST(COALESCE(r.revenue, 0) AS DECIMAL(20, 4)) AS revenue
FROM conversions c
LEFT JOIN revenue r ON r.customer_key = c.customer_key AND r.converted_at = c.converted_at
