-- Big-number KPIs: every KPI value of the latest month in kpis next to the month before.
-- ${database} is the journey database; BiViewsStep fills it in (a view cannot take parameters).
CREATE OR REPLACE VIEW ${database}.v_kpi_latest_month (
  kpi COMMENT 'KPI name, see kpis.md for its definition',
  dimension COMMENT 'Breakdown: all, segment, plan, region, industry, acquisition_channel, channel, campaign or feature',
  dimension_value COMMENT 'Value of the breakdown (all for dimension all)',
  unit COMMENT 'percent | count | currency | days | hours | score',
  period_start COMMENT 'First day of the latest month in kpis (may still be partial)',
  value COMMENT 'KPI value in that month; null when its denominator is 0',
  previous_period_start COMMENT 'First day of the month before',
  previous_value COMMENT 'KPI value in the month before; null when not defined or not computed',
  absolute_change COMMENT 'value - previous_value in the unit of the KPI (percentage points for percent KPIs)',
  relative_change_pct COMMENT '(value - previous_value) / |previous_value| x 100; null when previous_value is null or 0',
  run_id COMMENT 'Run that wrote the latest value'
)
COMMENT 'Latest month of every KPI with the previous month and the change: the source of big-number charts'
AS
WITH monthly AS (
  SELECT kpi, dimension, dimension_value, unit, period_start, value, run_id
  FROM ${database}.kpis
  WHERE period_grain = 'month'
),

latest_month AS (
  SELECT max(period_start) AS period_start
  FROM monthly
),

latest AS (
  SELECT m.kpi, m.dimension, m.dimension_value, m.unit, m.period_start, m.value, m.run_id
  FROM monthly m
  INNER JOIN latest_month l ON m.period_start = l.period_start
),

previous AS (
  SELECT m.kpi, m.dimension, m.dimension_value, m.value
  FROM monthly m
  INNER JOIN latest_month l ON m.period_start = add_months(l.period_start, -1)
)

SELECT
  cur.kpi,
  cur.dimension,
  cur.dimension_value,
  cur.unit,
  cur.period_start,
  cur.value,
  add_months(cur.period_start, -1) AS previous_period_start,
  prev.value AS previous_value,
  cur.value - prev.value AS absolute_change,
  CASE WHEN prev.value <> 0
    THEN CAST(round((cur.value - prev.value) * 100 / abs(prev.value), 2) AS DECIMAL(18, 2))
  END AS relative_change_pct,
  cur.run_id
FROM latest cur
LEFT JOIN previous prev
  ON cur.kpi = prev.kpi
  AND cur.dimension = prev.dimension
  AND cur.dimension_value = prev.dimension_value
