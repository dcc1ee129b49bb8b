-- conversion_drivers' counts: per factor, the identified subjects (accounts and prospects) that hold
-- it and how many of them converted, next to the same for the subjects that do not. A converted
-- subject holds an activity it did before its first conversion (strictly: the conversion's own
-- touchpoints do not count), any other subject one it did at any time. Attribute factors are
-- dimension=value, 'unknown' for a missing value. Factors held by fewer than :min_subjects
-- subjects are left out. Inputs: :facts (subject_facts.sql: each activity's first time),
-- :journeys (customer_journeys), :dimensions (their breakdowns, customer_dimensions.sql).
-- Parameter: :min_subjects.
WITH subjects AS (
  SELECT customer_key, is_converted, converted_at, first_touch_channel
  FROM IDENTIFIER(:journeys)
  WHERE customer_kind IN ('account', 'prospect')
),

dimensions AS (
  SELECT customer_key, dimension, dimension_value FROM IDENTIFIER(:dimensions) WHERE dimension <> 'all'
),

activity_firsts AS (
  SELECT customer_key, a.activity, a.first_at
  FROM IDENTIFIER(:facts)
  LATERAL VIEW explode(activities) x AS a
),

-- One row per (subject, activity it holds): done before the conversion when its first time is.
activity_holders AS (
  SELECT s.customer_key, s.is_converted, f.activity AS factor
  FROM activity_firsts f
  INNER JOIN subjects s ON s.customer_key = f.customer_key
  WHERE NOT s.is_converted OR f.first_at < s.converted_at
),

-- One row per (subject, dimension): every subject holds one value of each (the KPI breakdowns,
-- and the channel of its first touch).
attribute_holders AS (
  SELECT s.customer_key, s.is_converted, concat(d.dimension, '=', d.dimension_value) AS factor
  FROM subjects s
  INNER JOIN dimensions d ON d.customer_key = s.customer_key
  UNION ALL
  SELECT customer_key, is_converted, concat('first_touch_channel=', COALESCE(first_touch_channel, 'unknown'))
  FROM subjects
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
