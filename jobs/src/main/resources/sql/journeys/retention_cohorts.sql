-- Retention of paying accounts by the month of converted_at, for every month from the cohort
-- month to the run date's month. Inputs: jrn_accounts, jrn_timeline. Parameter: :run_date.
WITH accounts AS (
  SELECT account_id, trunc(to_date(converted_at), 'MM') AS cohort_month, churned_at
  FROM jrn_accounts
  WHERE converted_at IS NOT NULL AND to_date(converted_at) <= :run_date
),

usage_months AS (
  SELECT DISTINCT customer_key AS account_id, trunc(to_date(occurred_at), 'MM') AS month
  FROM jrn_timeline
  WHERE customer_kind = 'account' AND source = 'usage' AND to_date(occurred_at) <= :run_date
),

account_months AS (
  SELECT a.account_id, a.cohort_month, a.churned_at, m AS months_since, add_months(a.cohort_month, m) AS month
  FROM accounts a
  LATERAL VIEW explode(sequence(0, CAST(months_between(trunc(:run_date, 'MM'), a.cohort_month) AS INT))) s AS m
),

counted AS (
  SELECT
    g.cohort_month, g.months_since,
    COUNT(*) AS cohort_size,
    -- Not churned at the end of the month: no churn before the first instant of the next month.
    COUNT_IF(g.churned_at IS NULL OR g.churned_at >= CAST(add_months(g.month, 1) AS TIMESTAMP)) AS retained_customers,
    COUNT(u.account_id) AS active_customers
  FROM account_months g
  LEFT JOIN usage_months u ON u.account_id = g.account_id AND u.month = g.month
  GROUP BY g.cohort_month, g.months_since
)

SELECT
  cohort_month, months_since, cohort_size, retained_customers,
  CAST(ROUND(CAST(retained_customers AS DECIMAL(20, 0)) * 100 / CAST(cohort_size AS DECIMAL(20, 0)), 4)
    AS DECIMAL(12, 4)) AS retention_rate,
  active_customers,
  CAST(ROUND(CAST(active_customers AS DECIMAL(20, 0)) * 100 / CAST(cohort_size AS DECIMAL(20, 0)), 4)
    AS DECIMAL(12, 4)) AS active_rate
FROM counted
