-- The period spine of the KPIs: every calendar month, and every day, from the first month holding
-- data up to the run date. The run date's month (and day) is partial: it ends at :cutoff_at, the
-- end of the run date. days = the period's days up to the run date.
WITH
data_instants AS (
  SELECT created_at AS at FROM IDENTIFIER(:accounts)
  UNION ALL SELECT trial_started_at FROM IDENTIFIER(:accounts)
  UNION ALL SELECT started_at FROM IDENTIFIER(:paying_intervals)
  UNION ALL SELECT ended_at FROM IDENTIFIER(:paying_intervals)
  UNION ALL SELECT issued_at FROM IDENTIFIER(:invoices)
  UNION ALL SELECT occurred_at FROM IDENTIFIER(:touches)
  UNION ALL SELECT created_at FROM IDENTIFIER(:tickets)
  UNION ALL SELECT submitted_at FROM IDENTIFIER(:surveys)
  UNION ALL SELECT occurred_at FROM IDENTIFIER(:events)
  -- The touchpoints by their subjects' first touches: the earliest instant before the cutoff is the same.
  UNION ALL SELECT first_touch_at FROM IDENTIFIER(:subjects)
),

first_month AS (
  SELECT trunc(CAST(min(at) AS DATE), 'MM') AS month_start
  FROM data_instants
  WHERE at < :cutoff_at
),

-- No data: sequence(NULL, ...) is NULL and explodes to no period at all.
months AS (
  SELECT explode(sequence(month_start, trunc(:run_date, 'MM'), INTERVAL 1 MONTH)) AS period_start
  FROM first_month
),

days AS (
  SELECT explode(sequence(month_start, :run_date, INTERVAL 1 DAY)) AS period_start
  FROM first_month
),

periods AS (
  SELECT 'month' AS period_grain, period_start, add_months(period_start, 1) AS next_start FROM months
  UNION ALL
  SELECT 'day' AS period_grain, period_start, date_add(period_start, 1) AS next_start FROM days
)

SELECT
  period_grain,
  period_start,
  CAST(period_start AS TIMESTAMP) AS start_at,
  least(CAST(next_start AS TIMESTAMP), :cutoff_at) AS end_at,
  datediff(least(next_start, date_add(:run_date, 1)), period_start) AS days
FROM periods
