-- conversion_drivers' counts: per factor, the identified subjects (accounts and prospects) that hold
-- it and how many of them converted, next to the same for the subjects that do not. A converted
-- subject holds an activity it did before its first conversion (strictly: the conversion's own
-- touchpoints do not count), any other subject one it did at any time. Attribute factors are
-- dimension=value, 'unknown' for a missing value. Factors held by fewer than :min_subjects
-- subjects are left out. Inputs: :timeline, :journeys (customer_journeys). Parameter: :min_subjects.
WITH subjects AS (
  SELECT customer_key, is_converted, converted_at,
    segment, plan, region, industry, acquisition_channel, first_touch_channel
  FROM IDENTIFIER(:journeys)
  WHERE customer_kind IN ('account', 'prospect')
),

timeline AS (
  SELECT customer_key, activity, occurred_at FROM IDENTIFIER(:timeline)
),

-- One row per (subject, activity it holds).
activity_holders AS (
  SELECT s.customer_key, s.is_converted, t.activity AS factor
  FROM timeline t
  INNER JOIN subjects s ON s.customer_key = t.customer_key
  WHERE NOT s.is_converted OR t.occurred_at < s.converted_at
  GROUP BY s.customer_key, s.is_converted, t.activity
),

-- One row per (subject, dimension): every subject holds one value of each.
attribute_holders AS (
  SELECT customer_key, is_converted, concat(dimension, '=', dimension_value) AS factor
  FROM subjects
  LATERAL VIEW inline(array(
    named_struct('dimension', 'segment', 'dimension_value', COALESCE(segment, 'unknown')),
    named_struct('dimension', 'plan', 'dimension_value', COALESCE(plan, 'unknown')),
    named_struct('dimension', 'region', 'dimension_value', COALESCE(region, 'unknown')),
    named_struct('dimension', 'industry', 'dimension_value', COALESCE(industry, 'unknown')),
    named_struct('dimension', 'acquisition_channel', 'dimension_value', COALESCE(acquisition_channel, 'unknown')),
    named_struct('dimension', 'first_touch_channel', 'dimension_value', COALESCE(first_touch_channel, 'unknown'))
  )) d AS dimension, dimension_value
),

holders AS (
  SELECT 'activity' AS factor_kind, factor, is_converted FROM activity_holders
  UNION ALL
  SELECT 'attribute' AS factor_kind, factor, is_converted FROM attribute_holders
),

factor_counts AS (
  SELECT factor_kind, factor, COUNT(*) AS subjects_with, COUNT_IF(is_converted) AS converted_with
  FROM holders
  GROUP BY factor_kind, factor
  HAVING COUNT(*) >= :min_subjects
),

-- A global aggregate: always exactly one row.
population AS (
  SELECT COUNT(*) AS subjects, COUNT_IF(is_converted) AS converted FROM subjects
)

SELECT
  f.factor_kind, f.factor,
  f.subjects_with, f.converted_with,
  p.subjects - f.subjects_with AS subjects_without,
  p.converted - f.converted_with AS converted_without,
  CAST(ROUND(CAST(f.converted_with AS DECIMAL(20, 0)) * 100 / CAST(f.subjects_with AS DECIMAL(20, 0)), 4)
    AS DECIMAL(12, 4)) AS conversion_rate_with,
  CAST(ROUND(CAST(p.converted - f.converted_with AS DECIMAL(20, 0)) * 100
    / CAST(NULLIF(p.subjects - f.subjects_with, 0) AS DECIMAL(20, 0)), 4) AS DECIMAL(12, 4)) AS conversion_rate_without
FROM factor_counts f
CROSS JOIN population p
