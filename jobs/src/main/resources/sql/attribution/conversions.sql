-- Conversions: one per account, its first became_customer up to the end of the run date, with
-- its revenue: the account's paid invoices issued from the conversion day on, within the
-- revenue window (and not after the run date).
-- Output: customer_key (unique), converted_at, revenue.
WITH touchpoints AS (
  SELECT touchpoint_id, customer_key, customer_kind, activity, occurred_at
  FROM IDENTIFIER(:touchpoints)
),
invoices AS (
  SELECT account_id, status, issued_at, amount_reporting
  FROM IDENTIFIER(:invoices)
),
became_customer AS (
  SELECT customer_key,
         occurred_at,
         ROW_NUMBER() OVER (PARTITION BY customer_key ORDER BY occurred_at, touchpoint_id) AS occurrence
  FROM touchpoints
  WHERE activity = 'became_customer'
    AND customer_kind = 'account'
    AND occurred_at < :run_end
),
conversions AS (
  SELECT customer_key, occurred_at AS converted_at
  FROM became_customer
  WHERE occurrence = 1
),
revenue AS (
  SELECT c.customer_key, SUM(i.amount_reporting) AS revenue
  FROM conversions c
  INNER JOIN invoices i
    ON i.account_id = c.customer_key
   AND i.status = 'paid'
   AND TO_DATE(i.issued_at) >= TO_DATE(c.converted_at)
   AND TO_DATE(i.issued_at) < DATE_ADD(TO_DATE(c.converted_at), :revenue_window_days)
   AND i.issued_at < :run_end
  GROUP BY c.customer_key
)
SELECT c.customer_key,
       c.converted_at,
       CAST(COALESCE(r.revenue, 0) AS DECIMAL(20, 4)) AS revenue
FROM conversions c
LEFT JOIN revenue r ON r.customer_key = c.customer_key
