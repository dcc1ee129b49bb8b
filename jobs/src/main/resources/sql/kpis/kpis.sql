-- The kpis table: every exact KPI value rounded once, at the end, to 4 decimal places, with its
-- unit; only the (kpi, grain, dimension) combinations the catalog lists are kept.
WITH
exact_rows AS (
  SELECT period_grain, period_start, kpi, dimension, dimension_value, numerator, denominator, exact_value
  FROM IDENTIFIER(:exact_rows)
  UNION ALL
  SELECT period_grain, period_start, kpi, dimension, dimension_value, numerator, denominator, exact_value
  FROM IDENTIFIER(:composite_rows)
),

catalog AS (
  SELECT kpi, unit, period_grain, dimension
  FROM IDENTIFIER(:catalog)
)

SELECT
  r.period_grain,
  r.period_start,
  r.kpi,
  r.dimension,
  r.dimension_value,
  CAST(round(r.exact_value, 4) AS DECIMAL(24, 4)) AS value,
  r.numerator,
  r.denominator,
  c.unit,
  :run_id AS run_id
FROM exact_rows r
INNER JOIN catalog c
  ON c.kpi = r.kpi AND c.period_grain = r.period_grain AND c.dimension = r.dimension
