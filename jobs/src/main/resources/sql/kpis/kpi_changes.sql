-- kpi_changes: every kpis value of this run that differs from the one the previous published run
-- (:previous_run_id, run date :previous_run_date) reported. A key on one side only is `new` or
-- `removed`, whatever its period; a value that changed is `in_progress` if its period contained
-- the previous run date (it was partial then), `restated` if that period had already closed.
-- An unchanged value gives no row.
WITH
previous_kpis AS (
  SELECT period_grain, period_start, kpi, dimension, dimension_value, value
  FROM IDENTIFIER(:previous_kpis)
),

current_kpis AS (
  SELECT period_grain, period_start, kpi, dimension, dimension_value, value
  FROM IDENTIFIER(:current_kpis)
),

-- The KPI key is never null in kpis, so a null key column marks the side a value is missing from.
compared AS (
  SELECT
    coalesce(c.period_grain, p.period_grain) AS period_grain,
    coalesce(c.period_start, p.period_start) AS period_start,
    coalesce(c.kpi, p.kpi) AS kpi,
    coalesce(c.dimension, p.dimension) AS dimension,
    coalesce(c.dimension_value, p.dimension_value) AS dimension_value,
    p.value AS previous_value,
    c.value,
    p.kpi IS NULL AS is_new,
    c.kpi IS NULL AS is_removed
  FROM previous_kpis p
  FULL OUTER JOIN current_kpis c
    ON c.period_grain = p.period_grain
    AND c.period_start = p.period_start
    AND c.kpi = p.kpi
    AND c.dimension = p.dimension
    AND c.dimension_value = p.dimension_value
),

-- A period ends where sql/kpis/periods.sql starts the next one; a grain it does not know fails
-- the run rather than be taken for a closed period.
changed AS (
  SELECT
    *,
    CASE period_grain
      WHEN 'day' THEN date_add(period_start, 1)
      WHEN 'month' THEN add_months(period_start, 1)
      ELSE raise_error(concat('kpi_changes: no period end for period_grain ', period_grain))
    END AS next_start
  FROM compared
  WHERE is_new OR is_removed OR NOT (previous_value <=> value)
)

SELECT
  :run_id AS run_id,
  :run_date AS run_date,
  :previous_run_id AS previous_run_id,
  period_grain,
  period_start,
  kpi,
  dimension,
  dimension_value,
  previous_value,
  value,
  CASE
    WHEN is_new THEN 'new'
    WHEN is_removed THEN 'removed'
    WHEN period_start <= :previous_run_date AND :previous_run_date < next_start THEN 'in_progress'
    ELSE 'restated'
  END AS change_kind,
  NOT (:config_sha256 <=> :previous_config_sha256) AS config_changed
FROM changed
