-- Funnel chart: customers reached per lifecycle stage, whole population, latest snapshot.
-- ${churn_stage} is the configured churn stage (a string literal): it is no funnel step.
CREATE OR REPLACE VIEW ${database}.v_stage_funnel (
  snapshot_date COMMENT 'Run date of the stage_metrics snapshot shown',
  stage COMMENT 'Lifecycle stage',
  stage_order COMMENT 'Position of the stage in the configured order (funnel step order)',
  customers_reached COMMENT 'Customers that entered this stage or a later one (churn excluded)',
  customers_current COMMENT 'Customers currently in this stage',
  conversion_from_first_rate COMMENT 'customers_reached / customers_reached of the first stage x 100',
  conversion_to_next_rate COMMENT 'customers_reached of the next stage / customers_reached x 100',
  drop_off_rate COMMENT '100 - conversion_to_next_rate',
  median_days_in_stage COMMENT 'Median days spent in the stage (completed stays)',
  p90_days_in_stage COMMENT '90th percentile of days spent in the stage (completed stays)',
  run_id COMMENT 'Run that wrote the snapshot'
)
COMMENT 'Lifecycle funnel of the latest snapshot: customers reached and conversion per stage (dimension all)'
AS
WITH overall AS (
  SELECT snapshot_date, stage, stage_order, customers_reached, customers_current, conversion_to_next_rate,
    drop_off_rate, median_days_in_stage, p90_days_in_stage, run_id
  FROM ${database}.stage_metrics
  WHERE dimension = 'all' AND stage <> ${churn_stage}
),

latest_snapshot AS (
  SELECT max(snapshot_date) AS snapshot_date
  FROM overall
),

funnel AS (
  SELECT o.*
  FROM overall o
  INNER JOIN latest_snapshot l ON o.snapshot_date = l.snapshot_date
),

first_stage AS (
  SELECT customers_reached AS first_reached
  FROM funnel
  WHERE stage_order = (SELECT min(stage_order) FROM funnel)
)

SELECT
  f.snapshot_date,
  f.stage,
  f.stage_order,
  f.customers_reached,
  f.customers_current,
  CASE WHEN s.first_reached > 0
    THEN CAST(round(CAST(f.customers_reached AS DECIMAL(20, 0)) * 100 / s.first_reached, 4) AS DECIMAL(12, 4))
  END AS conversion_from_first_rate,
  f.conversion_to_next_rate,
  f.drop_off_rate,
  f.median_days_in_stage,
  f.p90_days_in_stage,
  f.run_id
FROM funnel f
CROSS JOIN first_stage s
