-- Retention of paying accounts by the month of their first conversion, for every month from the
-- cohort month to the run date's month. Inputs: :paying_intervals (PayingIntervals, up to the
-- run date), :facts (subject_facts.sql). Parameter: :run_date.
WITH intervals AS (
  SELECT account_id, interval_number, started_at, ended_at
  FROM IDENTIFIER(:paying_intervals)
),

accounts AS (
  SELECT account_id, trunc(to_date(started_at), 'MM') AS cohort_month
  FROM intervals
  WHERE interval_number = 1
),

usage_months AS (
  SELECT customer_key AS account_id, m.month
  FROM IDENTIFIER(:facts)
  LATERAL VIEW explode(usage_months) u AS m
  WHERE customer_kind = 'account' AND m.first_on <= :run_date
),

account_months AS (
  SELECT a.account_id, a.cohort_month, m AS months_since, add_months(a.cohort_month, m) AS month
  FROM accounts a
  LATERAL VIEW explode(sequence(0, CAST(months_between(trunc(:run_date, 'MM'), a.cohort_month) AS INT))) s AS m
),

-- Retained: paying at the end of the month, i.e. at the first instant of the next one, in any of
-- the account's intervals (a comeback counts as retained again).
retained AS (
  SELECT g.account_id, g.month
  FROM account_months g
  INNER JOIN intervals i
    ON i.account_id = g.account_id
   AND i.started_at < CAST(add_months(g.month, 1) AS TIMESTAMP)
   AND (i.ended_at IS NULL OR i.ended_at >= CAST(add_months(g.month, 1) AS TIMESTAMP))
  GROUP BY g.account_id, g.month
),

counted AS (
  SELECT
    g.cohort_month, g.months_since,
    COUNT(*) AS cohort_size,
    COUNT(r.account_id) AS retained_customers,
    COUNT(u.account_id) AS active_customers
  FROM account_months g
  LEFT JOIN retained r ON r.account_id = g.account_id AND r.month = g.month
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
