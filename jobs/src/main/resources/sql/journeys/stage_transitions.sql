-- Moves between stages: each stay from the stay before it, (start) for the first one.
-- Inputs: :history, :journeys. Parameter: :run_date.
WITH history AS (
  SELECT customer_key, stage, stay_number, entered_at FROM IDENTIFIER(:history)
),

journeys AS (
  SELECT customer_key, first_touch_at FROM IDENTIFIER(:journeys)
),

moves AS (
  SELECT
    customer_key, stage AS to_stage, entered_at,
    LAG(stage) OVER by_customer AS previous_stage,
    LAG(entered_at) OVER by_customer AS previous_entered_at
  FROM history
  WINDOW by_customer AS (PARTITION BY customer_key ORDER BY stay_number)
),

timed AS (
  SELECT
    m.customer_key,
    COALESCE(m.previous_stage, '(start)') AS from_stage,
    m.to_stage,
    CAST(unix_micros(m.entered_at) - unix_micros(COALESCE(m.previous_entered_at, j.first_touch_at)) AS DECIMAL(20, 0))
      / 3600000000 AS hours
  FROM moves m
  INNER JOIN journeys j ON j.customer_key = m.customer_key
)

SELECT
  CAST(:run_date AS DATE) AS snapshot_date,
  from_stage, to_stage,
  COUNT(DISTINCT customer_key) AS customers,
  COUNT(*) AS transitions,
  CAST(ROUND(PERCENTILE(hours, 0.5), 4) AS DECIMAL(14, 4)) AS median_hours,
  CAST(ROUND(PERCENTILE(hours, 0.9), 4) AS DECIMAL(14, 4)) AS p90_hours
FROM timed
GROUP BY from_stage, to_stage
