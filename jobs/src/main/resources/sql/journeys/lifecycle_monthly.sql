-- Usage activity lifecycle of accounts per month, up to the run date's month.
-- Input: :timeline. Parameter: :run_date.
WITH active_months AS (
  SELECT DISTINCT customer_key AS account_id, trunc(to_date(occurred_at), 'MM') AS month
  FROM IDENTIFIER(:timeline)
  WHERE customer_kind = 'account' AND source = 'usage' AND to_date(occurred_at) <= :run_date
),

sequenced AS (
  SELECT
    account_id, month,
    LAG(month) OVER by_account AS previous_active,
    LEAD(month) OVER by_account AS next_active
  FROM active_months
  WINDOW by_account AS (PARTITION BY account_id ORDER BY month)
),

statuses AS (
  SELECT
    account_id, month,
    CASE
      WHEN previous_active IS NULL THEN 'new'
      WHEN previous_active = add_months(month, -1) THEN 'returning'
      ELSE 'resurrecting'
    END AS status
  FROM sequenced
  UNION ALL
  -- The month after an active month with no activity of its own.
  SELECT account_id, add_months(month, 1) AS month, 'dormant' AS status
  FROM sequenced
  WHERE (next_active IS NULL OR next_active > add_months(month, 1))
    AND add_months(month, 1) <= trunc(:run_date, 'MM')
)

SELECT month, status, COUNT(*) AS accounts
FROM statuses
GROUP BY month, status
