-- KPIs made of other KPIs of the same month: tickets_per_customer, cac, ltv_to_cac and
-- journey_score. Output: exact rows as in exact_values.sql.
WITH
-- Imports
month_values AS (
  SELECT period_start, kpi, dimension, dimension_value, exact_value
  FROM IDENTIFIER(:exact_rows)
  WHERE period_grain = 'month'
),

weights AS (
  SELECT kpi, weight
  FROM IDENTIFIER(:journey_score_weights)
  WHERE weight > 0
),

-- Logic
tickets_per_customer AS (
  SELECT
    t.period_start,
    t.dimension,
    t.dimension_value,
    CAST(t.exact_value AS DECIMAL(24, 4)) AS numerator,
    CAST(coalesce(c.exact_value, 0) AS DECIMAL(24, 4)) AS denominator
  FROM month_values t
  LEFT JOIN month_values c
    ON c.kpi = 'customers_start'
    AND c.period_start = t.period_start
    AND c.dimension = t.dimension
    AND c.dimension_value = t.dimension_value
  WHERE t.kpi = 'tickets'
),

-- Acquisition cost and lifetime value, overall only: spend is not attributed to accounts here.
acquisition AS (
  SELECT
    s.period_start,
    CAST(s.exact_value AS DECIMAL(24, 4)) AS spend,
    CAST(coalesce(n.exact_value, 0) AS DECIMAL(24, 4)) AS new_customers,
    v.exact_value AS clv
  FROM month_values s
  LEFT JOIN month_values n
    ON n.kpi = 'new_customers' AND n.dimension = 'all' AND n.period_start = s.period_start
  LEFT JOIN month_values v
    ON v.kpi = 'clv' AND v.dimension = 'all' AND v.period_start = s.period_start
  WHERE s.kpi = 'marketing_spend' AND s.dimension = 'all'
),

with_cac AS (
  SELECT
    *,
    CASE WHEN new_customers = 0 THEN NULL ELSE CAST(spend / new_customers AS DECIMAL(38, 12)) END AS cac
  FROM acquisition
),

-- journey_score: weighted mean of the available normalized KPIs, each clamped to 0-100.
components AS (
  SELECT
    v.period_start,
    v.dimension,
    v.dimension_value,
    w.weight,
    -- greatest and least skip NULLs, so a null KPI is kept null explicitly.
    CASE
      WHEN v.exact_value IS NOT NULL THEN
        CAST(greatest(0, least(100, CASE WHEN v.kpi = 'nps' THEN (v.exact_value + 100) / 2 ELSE v.exact_value END))
          AS DECIMAL(20, 12))
    END AS normalized
  FROM month_values v
  INNER JOIN weights w ON w.kpi = v.kpi
),

scores AS (
  SELECT
    period_start,
    dimension,
    dimension_value,
    CAST(coalesce(sum(CASE WHEN normalized IS NOT NULL THEN weight * normalized END), 0) AS DECIMAL(30, 12))
      AS weighted_sum,
    CAST(coalesce(sum(CASE WHEN normalized IS NOT NULL THEN weight END), 0) AS DECIMAL(14, 4)) AS weight_sum
  FROM components
  GROUP BY period_start, dimension, dimension_value
)

SELECT
  'month' AS period_grain,
  period_start,
  'tickets_per_customer' AS kpi,
  dimension,
  dimension_value,
  numerator,
  denominator,
  CASE WHEN denominator = 0 THEN NULL ELSE CAST(numerator / denominator AS DECIMAL(38, 12)) END AS exact_value
FROM tickets_per_customer

UNION ALL

SELECT
  'month' AS period_grain,
  period_start,
  'cac' AS kpi,
  'all' AS dimension,
  'all' AS dimension_value,
  spend AS numerator,
  new_customers AS denominator,
  cac AS exact_value
FROM with_cac

UNION ALL

-- ltv_to_cac = clv / cac = clv x new_customers / spend, in one division.
SELECT
  'month' AS period_grain,
  period_start,
  'ltv_to_cac' AS kpi,
  'all' AS dimension,
  'all' AS dimension_value,
  CAST(round(clv, 4) AS DECIMAL(24, 4)) AS numerator,
  CAST(round(cac, 4) AS DECIMAL(24, 4)) AS denominator,
  CASE
    WHEN clv IS NULL OR cac IS NULL OR spend = 0 THEN NULL
    ELSE CAST(CAST(clv AS DECIMAL(26, 12)) * CAST(new_customers AS DECIMAL(10, 0)) / CAST(spend AS DECIMAL(20, 4))
      AS DECIMAL(38, 12))
  END AS exact_value
FROM with_cac

UNION ALL

SELECT
  'month' AS period_grain,
  period_start,
  'journey_score' AS kpi,
  dimension,
  dimension_value,
  CAST(round(weighted_sum, 4) AS DECIMAL(24, 4)) AS numerator,
  weight_sum AS denominator,
  CASE WHEN weight_sum = 0 THEN NULL ELSE CAST(weighted_sum / weight_sum AS DECIMAL(38, 12)) END AS exact_value
FROM scores
