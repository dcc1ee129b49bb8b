-- Usage activity lifecycle of accounts per month, up to the run date's month.
-- Input: :facts (subject_facts.sql). Parameter: :run_date.
-- A month is active once the account's first usage in it is on or before the run date.
WITH active_months AS (
  SELECT customer_key AS account_id, m.month
  FROM IDENTIFIER(:facts)
  LATERAL VIEW explode(usage_months) u AS m
  WHERE customer_kind = 'account' AND m.first_on <= :run_date
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
