-- Monthly KPI series for trend lines (big number with trendline, line charts).
CREATE OR REPLACE VIEW ${database}.v_kpi_monthly (
  month COMMENT 'First day of the month (the time column of trend charts)',
  kpi COMMENT 'KPI name, see kpis.md for its definition',
  dimension COMMENT 'Breakdown: all, segment, plan, region, industry, acquisition_channel, channel, campaign or feature',
  dimension_value COMMENT 'Value of the breakdown (all for dimension all)',
  unit COMMENT 'percent | count | currency | days | hours | score',
  value COMMENT 'KPI value in that month; null when its denominator is 0',
  numerator COMMENT 'Numerator of a ratio KPI',
  denominator COMMENT 'Denominator of a ratio KPI',
  run_id COMMENT 'Run that last wrote the value'
)
COMMENT 'Every monthly KPI value as a time series: one row per month, KPI and breakdown value'
AS
SELECT
  period_start AS month,
  kpi,
  dimension,
  dimension_value,
  unit,
  value,
  numerator,
  denominator,
  run_id
FROM ${database}.kpis
WHERE period_grain = 'month'
