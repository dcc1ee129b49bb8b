-- Marketing KPIs per month, overall, per channel and per campaign, from the marketing touches.
-- Output: base rows as in accounts.sql.
WITH
-- Imports. A unique touch is a distinct (person, campaign) pair: the person is the email's
-- SHA-256, else the anonymous id; a touch that carries neither is not counted as unique.
touches AS (
  SELECT
    channel,
    campaign_id,
    touch_type,
    occurred_at,
    cost,
    CASE
      WHEN email_sha256 IS NOT NULL OR anonymous_id IS NOT NULL
        THEN concat_ws('|', coalesce(email_sha256, concat('anon:', anonymous_id)), coalesce(campaign_id, ''))
    END AS person_campaign
  FROM IDENTIFIER(:touches)
  WHERE occurred_at < :cutoff_at
),

months AS (
  SELECT period_start, start_at, end_at
  FROM IDENTIFIER(:periods)
  WHERE period_grain = 'month'
),

-- Logic
touches_by_dimension AS (
  SELECT m.period_start, d.dimension, d.dimension_value, t.touch_type, t.cost, t.person_campaign
  FROM touches t
  INNER JOIN months m ON t.occurred_at >= m.start_at AND t.occurred_at < m.end_at
  LATERAL VIEW stack(3,
    'all', 'all',
    'channel', coalesce(t.channel, 'unknown'),
    'campaign', coalesce(t.campaign_id, 'unknown')) d AS dimension, dimension_value
),

measures AS (
  SELECT
    period_start,
    dimension,
    dimension_value,
    sum(cost) AS spend,
    count_if(touch_type = 'impression') AS impressions,
    count_if(touch_type = 'ad_click') AS ad_clicks,
    count(DISTINCT CASE WHEN touch_type = 'email_sent' THEN person_campaign END) AS unique_sent,
    count(DISTINCT CASE WHEN touch_type = 'email_open' THEN person_campaign END) AS unique_opens,
    count(DISTINCT CASE WHEN touch_type = 'email_click' THEN person_campaign END) AS unique_clicks,
    count(DISTINCT CASE WHEN touch_type = 'unsubscribe' THEN person_campaign END) AS unique_unsubscribes
  FROM touches_by_dimension
  GROUP BY period_start, dimension, dimension_value
),

dimension_values AS (
  SELECT dimension, dimension_value FROM touches_by_dimension
  UNION
  SELECT 'all' AS dimension, 'all' AS dimension_value
),

monthly AS (
  SELECT
    m.period_start,
    v.dimension,
    v.dimension_value,
    CAST(coalesce(x.spend, 0) AS DECIMAL(24, 4)) AS spend,
    CAST(coalesce(x.impressions, 0) AS DECIMAL(24, 4)) AS impressions,
    CAST(coalesce(x.ad_clicks, 0) AS DECIMAL(24, 4)) AS ad_clicks,
    CAST(coalesce(x.unique_sent, 0) AS DECIMAL(24, 4)) AS unique_sent,
    CAST(coalesce(x.unique_opens, 0) AS DECIMAL(24, 4)) AS unique_opens,
    CAST(coalesce(x.unique_clicks, 0) AS DECIMAL(24, 4)) AS unique_clicks,
    CAST(coalesce(x.unique_unsubscribes, 0) AS DECIMAL(24, 4)) AS unique_unsubscribes
  FROM months m
  CROSS JOIN dimension_values v
  LEFT JOIN measures x
    ON x.period_start = m.period_start AND x.dimension = v.dimension AND x.dimension_value = v.dimension_value
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
FROM monthly
LATERAL VIEW stack(6,
  'marketing_spend', CAST(NULL AS DECIMAL(24, 4)), CAST(NULL AS DECIMAL(24, 4)), CAST(NULL AS INT),
    CAST(spend AS DECIMAL(38, 12)),
  'impressions', NULL, NULL, NULL, CAST(impressions AS DECIMAL(38, 12)),
  'ctr', ad_clicks, impressions, 100, NULL,
  'email_open_rate', unique_opens, unique_sent, 100, NULL,
  'email_click_rate', unique_clicks, unique_sent, 100, NULL,
  'unsubscribe_rate', unique_unsubscribes, unique_sent, 100, NULL
) k AS kpi, numerator, denominator, scale, exact_value
