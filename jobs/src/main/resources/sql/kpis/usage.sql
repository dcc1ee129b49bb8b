-- Product-usage KPIs per month (and dau per day), overall and per segment, plan and region;
-- feature adoption per feature. An account is active on a day when it has any usage event.
-- Output: base rows as in accounts.sql.
WITH
-- Imports
events AS (
  SELECT account_id, event_name, feature, occurred_at
  FROM IDENTIFIER(:events)
  WHERE account_id IS NOT NULL AND occurred_at < :cutoff_at
),

accounts AS (
  SELECT account_id, segment, plan, region
  FROM IDENTIFIER(:accounts)
),

periods AS (
  SELECT period_grain, period_start, days
  FROM IDENTIFIER(:periods)
),

-- Logic
active_days AS (
  SELECT account_id, CAST(occurred_at AS DATE) AS active_date
  FROM events
  GROUP BY account_id, CAST(occurred_at AS DATE)
),

active_months AS (
  SELECT account_id, trunc(active_date, 'MM') AS period_start, count(*) AS active_days
  FROM active_days
  GROUP BY account_id, trunc(active_date, 'MM')
),

usage_facts AS (
  SELECT 'month' AS period_grain, period_start, account_id, 'mau' AS measure, 1 AS amount FROM active_months
  UNION ALL
  SELECT 'month', period_start, account_id, 'active_account_days', active_days FROM active_months
  UNION ALL
  SELECT 'day', active_date, account_id, 'dau', 1 FROM active_days
),

facts_by_dimension AS (
  SELECT
    f.period_grain,
    f.period_start,
    d.dimension,
    d.dimension_value,
    f.measure,
    CAST(f.amount AS DECIMAL(24, 4)) AS amount
  FROM usage_facts f
  LEFT JOIN accounts a ON a.account_id = f.account_id
  LATERAL VIEW stack(4,
    'all', 'all',
    'segment', coalesce(a.segment, 'unknown'),
    'plan', coalesce(a.plan, 'unknown'),
    'region', coalesce(a.region, 'unknown')) d AS dimension, dimension_value
),

measures AS (
  SELECT
    period_grain,
    period_start,
    dimension,
    dimension_value,
    sum(CASE WHEN measure = 'mau' THEN amount END) AS mau,
    sum(CASE WHEN measure = 'active_account_days' THEN amount END) AS active_account_days,
    sum(CASE WHEN measure = 'dau' THEN amount END) AS dau
  FROM facts_by_dimension
  GROUP BY period_grain, period_start, dimension, dimension_value
),

dimension_values AS (
  SELECT dimension, dimension_value FROM facts_by_dimension
  UNION
  SELECT 'all' AS dimension, 'all' AS dimension_value
),

usage_periods AS (
  SELECT
    p.period_grain,
    p.period_start,
    v.dimension,
    v.dimension_value,
    CAST(p.days AS DECIMAL(24, 4)) AS days,
    CAST(coalesce(x.mau, 0) AS DECIMAL(24, 4)) AS mau,
    CAST(coalesce(x.active_account_days, 0) AS DECIMAL(24, 4)) AS active_account_days,
    CAST(coalesce(x.dau, 0) AS DECIMAL(24, 4)) AS dau
  FROM periods p
  CROSS JOIN dimension_values v
  LEFT JOIN measures x
    ON x.period_grain = p.period_grain
    AND x.period_start = p.period_start
    AND x.dimension = v.dimension
    AND x.dimension_value = v.dimension_value
),

-- Feature adoption: accounts using a feature in the month over all active accounts (mau).
feature_months AS (
  SELECT trunc(CAST(occurred_at AS DATE), 'MM') AS period_start, account_id, coalesce(feature, 'unknown') AS feature
  FROM events
  WHERE event_name = 'feature_used'
  GROUP BY trunc(CAST(occurred_at AS DATE), 'MM'), account_id, coalesce(feature, 'unknown')
),

features_by_dimension AS (
  SELECT f.period_start, d.dimension, d.dimension_value, f.account_id
  FROM feature_months f
  LATERAL VIEW stack(2, 'all', 'all', 'feature', f.feature) d AS dimension, dimension_value
),

adopters AS (
  SELECT period_start, dimension, dimension_value, count(DISTINCT account_id) AS adopters
  FROM features_by_dimension
  GROUP BY period_start, dimension, dimension_value
),

feature_values AS (
  SELECT dimension, dimension_value FROM features_by_dimension
  UNION
  SELECT 'all' AS dimension, 'all' AS dimension_value
),

feature_adoption AS (
  SELECT
    u.period_start,
    v.dimension,
    v.dimension_value,
    CAST(coalesce(x.adopters, 0) AS DECIMAL(24, 4)) AS adopters,
    u.mau
  FROM usage_periods u
  CROSS JOIN feature_values v
  LEFT JOIN adopters x
    ON x.period_start = u.period_start AND x.dimension = v.dimension AND x.dimension_value = v.dimension_value
  WHERE u.period_grain = 'month' AND u.dimension = 'all'
)

SELECT
  'month' AS period_grain,
  period_start,
  k.kpi,
  dimension,
  dimension_value,
  k.numerator,
  k.denominator,
  k.scale,
  k.exact_value
FROM usage_periods
-- dau_avg = active account-days / days; stickiness = dau_avg / mau = account-days / (days x mau).
LATERAL VIEW stack(3,
  'mau', CAST(NULL AS DECIMAL(24, 4)), CAST(NULL AS DECIMAL(24, 4)), CAST(NULL AS INT), CAST(mau AS DECIMAL(38, 12)),
  'dau_avg', active_account_days, days, 1, NULL,
  'stickiness', active_account_days, CAST(days * mau AS DECIMAL(24, 4)), 100, NULL
) k AS kpi, numerator, denominator, scale, exact_value
WHERE period_grain = 'month'

UNION ALL

SELECT
  'day' AS period_grain,
  period_start,
  'dau' AS kpi,
  dimension,
  dimension_value,
  CAST(NULL AS DECIMAL(24, 4)) AS numerator,
  CAST(NULL AS DECIMAL(24, 4)) AS denominator,
  CAST(NULL AS INT) AS scale,
  CAST(dau AS DECIMAL(38, 12)) AS exact_value
FROM usage_periods
WHERE period_grain = 'day'

UNION ALL

SELECT
  'month' AS period_grain,
  period_start,
  'feature_adoption_rate' AS kpi,
  dimension,
  dimension_value,
  adopters AS numerator,
  mau AS denominator,
  100 AS scale,
  CAST(NULL AS DECIMAL(38, 12)) AS exact_value
FROM feature_adoption
