-- Lifecycle stage funnel per breakdown over subjects that entered any stage.
-- Inputs: :history, :journeys, :dimensions, :stages (stage, stage_order).
-- Parameters: :run_date, :churn_stage.
WITH history AS (
  SELECT customer_key, stage, stage_order, days_in_stage, exited_at FROM IDENTIFIER(:history)
),

dimensions AS (
  SELECT customer_key, dimension, dimension_value FROM IDENTIFIER(:dimensions)
),

stages AS (
  SELECT stage, stage_order FROM IDENTIFIER(:stages)
),

subjects AS (
  SELECT customer_key, current_stage FROM IDENTIFIER(:journeys) WHERE current_stage IS NOT NULL
),

-- Reached S: entered S or a later stage, churned excluded; reached churned: entered it.
reach AS (
  SELECT
    customer_key,
    MAX(IF(stage <> :churn_stage, stage_order, NULL)) AS furthest_order,
    MAX(stage = :churn_stage) AS entered_churn
  FROM history
  GROUP BY customer_key
),

counts AS (
  SELECT
    d.dimension, d.dimension_value, s.stage, s.stage_order,
    COUNT_IF(IF(s.stage = :churn_stage, r.entered_churn, r.furthest_order >= s.stage_order)) AS customers_reached,
    COUNT_IF(j.current_stage = s.stage) AS customers_current
  FROM subjects j
  INNER JOIN reach r ON r.customer_key = j.customer_key
  INNER JOIN dimensions d ON d.customer_key = j.customer_key
  CROSS JOIN stages s
  GROUP BY d.dimension, d.dimension_value, s.stage, s.stage_order
),

durations AS (
  SELECT
    d.dimension, d.dimension_value, h.stage,
    PERCENTILE(h.days_in_stage, 0.5) AS median_days,
    PERCENTILE(h.days_in_stage, 0.9) AS p90_days
  FROM history h
  INNER JOIN dimensions d ON d.customer_key = h.customer_key
  WHERE h.exited_at IS NOT NULL
  GROUP BY d.dimension, d.dimension_value, h.stage
),

-- The next stage of the last stage before churned is none: churning is no conversion.
with_next AS (
  SELECT
    c.*,
    LEAD(IF(c.stage = :churn_stage, NULL, c.customers_reached))
      OVER (PARTITION BY c.dimension, c.dimension_value ORDER BY c.stage_order) AS next_reached
  FROM counts c
),

rates AS (
  SELECT
    w.*,
    CAST(ROUND(CAST(w.next_reached AS DECIMAL(20, 0)) * 100 / CAST(NULLIF(w.customers_reached, 0) AS DECIMAL(20, 0)), 4)
      AS DECIMAL(12, 4)) AS conversion_to_next_rate
  FROM with_next w
)

SELECT
  CAST(:run_date AS DATE) AS snapshot_date,
  r.dimension, r.dimension_value, r.stage, r.stage_order,
  r.customers_reached, r.customers_current,
  r.conversion_to_next_rate,
  CAST(100 - r.conversion_to_next_rate AS DECIMAL(12, 4)) AS drop_off_rate,
  CAST(ROUND(d.median_days, 4) AS DECIMAL(14, 4)) AS median_days_in_stage,
  CAST(ROUND(d.p90_days, 4) AS DECIMAL(14, 4)) AS p90_days_in_stage
FROM rates r
LEFT JOIN durations d
  ON d.dimension = r.dimension AND d.dimension_value = r.dimension_value AND d.stage = r.stage
