-- Heatmap: retention of each conversion cohort by months since conversion.
CREATE OR REPLACE VIEW ${database}.v_retention_heatmap (
  cohort_month COMMENT 'First day of the month the cohort converted',
  cohort COMMENT 'Cohort month as yyyy-MM (the heatmap row label)',
  months_since COMMENT 'Months since the cohort month (0 = the cohort month; the heatmap column)',
  cohort_size COMMENT 'Customers that converted in the cohort month',
  retained_customers COMMENT 'Of those, not churned at the end of the month',
  retention_rate COMMENT 'retained_customers / cohort_size x 100 (the heatmap cell)',
  active_customers COMMENT 'Of those, with any usage event in the month',
  active_rate COMMENT 'active_customers / cohort_size x 100',
  run_id COMMENT 'Run that last wrote the row'
)
COMMENT 'Conversion cohorts by months since conversion: retention and activity rates for heatmaps'
AS
SELECT
  cohort_month,
  date_format(cohort_month, 'yyyy-MM') AS cohort,
  months_since,
  cohort_size,
  retained_customers,
  retention_rate,
  active_customers,
  active_rate,
  run_id
FROM ${database}.retention_cohorts
