-- Funnel step counts per breakdown. Every step of every funnel gets a row for dimension all, and
-- for each breakdown value seen among the funnel's subjects.
-- Inputs: :funnel_customers, :funnels, :funnel_steps_defined (funnel, step, step_name),
-- :dimensions. Parameter: :run_date.
WITH customers AS (
  SELECT funnel, customer_key, reached_steps, step_reached_at
  FROM IDENTIFIER(:funnel_customers)
  WHERE NOT is_excluded
),

steps AS (
  SELECT funnel, step, step_name FROM IDENTIFIER(:funnel_steps_defined)
),

dimensions AS (
  SELECT customer_key, dimension, dimension_value FROM IDENTIFIER(:dimensions)
),

step_reaches AS (
  SELECT
    c.funnel, c.customer_key, s.step,
    IF(s.step = 1, NULL,
      CAST(unix_micros(c.step_reached_at[s.step - 1]) - unix_micros(c.step_reached_at[s.step - 2]) AS DECIMAL(20, 0))
        / 3600000000) AS hours_from_previous
  FROM customers c
  INNER JOIN steps s ON s.funnel = c.funnel AND s.step <= c.reached_steps
),

counts AS (
  SELECT
    r.funnel, d.dimension, d.dimension_value, r.step,
    COUNT(*) AS customers,
    PERCENTILE(r.hours_from_previous, 0.5) AS median_hours
  FROM step_reaches r
  INNER JOIN dimensions d ON d.customer_key = r.customer_key
  GROUP BY r.funnel, d.dimension, d.dimension_value, r.step
),

cells AS (
  SELECT funnel, 'all' AS dimension, 'all' AS dimension_value FROM IDENTIFIER(:funnels)
  UNION
  SELECT DISTINCT funnel, dimension, dimension_value FROM counts
),

grid AS (
  SELECT c.funnel, c.dimension, c.dimension_value, s.step, s.step_name
  FROM cells c
  INNER JOIN steps s ON s.funnel = c.funnel
),

filled AS (
  SELECT g.*, COALESCE(n.customers, 0) AS customers, n.median_hours
  FROM grid g
  LEFT JOIN counts n
    ON n.funnel = g.funnel AND n.dimension = g.dimension AND n.dimension_value = g.dimension_value AND n.step = g.step
),

compared AS (
  SELECT
    f.*,
    FIRST_VALUE(f.customers) OVER by_cell AS start_customers,
    LAG(f.customers) OVER by_cell AS previous_customers
  FROM filled f
  WINDOW by_cell AS (PARTITION BY f.funnel, f.dimension, f.dimension_value ORDER BY f.step)
)

SELECT
  CAST(:run_date AS DATE) AS snapshot_date,
  funnel, dimension, dimension_value, step, step_name, customers,
  CAST(ROUND(CAST(customers AS DECIMAL(20, 0)) * 100 / CAST(NULLIF(start_customers, 0) AS DECIMAL(20, 0)), 4)
    AS DECIMAL(12, 4)) AS conversion_from_start,
  CAST(ROUND(CAST(customers AS DECIMAL(20, 0)) * 100 / CAST(NULLIF(previous_customers, 0) AS DECIMAL(20, 0)), 4)
    AS DECIMAL(12, 4)) AS conversion_from_previous,
  CAST(ROUND(median_hours, 4) AS DECIMAL(14, 4)) AS median_hours_from_previous
FROM compared
