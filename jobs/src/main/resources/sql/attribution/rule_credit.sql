-- Credit of the five rule-based models: every touch of a converted path gets a weight per
-- model, the weights of one conversion add up to 1, and credit is summed per channel
-- (campaign_id null) and per channel and campaign. Weights are decimals so sums do not depend
-- on row order; only 2^(-age/half-life) is computed as a double, once per touch, and rounded.
-- Output: model, channel, campaign_id, conversions, revenue, removal_effect (null here).
WITH touches AS (
  SELECT customer_key,
         revenue,
         channel,
         campaign_id,
         touch_position,
         touch_count,
         CAST(UNIX_MICROS(converted_at) - UNIX_MICROS(occurred_at) AS DOUBLE) / 86400000000.0 AS age_days
  FROM IDENTIFIER(:path_touches)
  WHERE is_converted
),
decayed AS (
  SELECT *,
         CAST(POW(2.0D, -age_days / :half_life_days) AS DECIMAL(20, 12)) AS decay_weight
  FROM touches
),
weighted AS (
  SELECT customer_key,
         revenue,
         channel,
         campaign_id,
         CASE WHEN touch_position = 1 THEN 1 ELSE 0 END AS first_touch,
         CASE WHEN touch_position = touch_count THEN 1 ELSE 0 END AS last_touch,
         CAST(1 AS DECIMAL(20, 12)) / touch_count AS linear,
         decay_weight / SUM(decay_weight) OVER (PARTITION BY customer_key) AS time_decay,
         CASE
           WHEN touch_count = 1 THEN CAST(1 AS DECIMAL(20, 12))
           WHEN touch_count = 2 AND touch_position = 1
             THEN CAST(:position_first AS DECIMAL(20, 12)) / (:position_first + :position_last)
           WHEN touch_count = 2
             THEN CAST(:position_last AS DECIMAL(20, 12)) / (:position_first + :position_last)
           WHEN touch_position = 1 THEN CAST(:position_first AS DECIMAL(20, 12)) / 100
           WHEN touch_position = touch_count THEN CAST(:position_last AS DECIMAL(20, 12)) / 100
           ELSE CAST(:position_middle AS DECIMAL(20, 12)) / (100 * (touch_count - 2))
         END AS position_based
  FROM decayed
),
credits AS (
  SELECT customer_key, revenue, channel, campaign_id, model, weight
  FROM weighted
  LATERAL VIEW STACK(5,
    'first_touch', CAST(first_touch AS DECIMAL(24, 18)),
    'last_touch', CAST(last_touch AS DECIMAL(24, 18)),
    'linear', CAST(linear AS DECIMAL(24, 18)),
    'time_decay', CAST(time_decay AS DECIMAL(24, 18)),
    'position_based', CAST(position_based AS DECIMAL(24, 18))) models AS model, weight
),
by_channel AS (
  SELECT model,
         channel,
         CAST(NULL AS STRING) AS campaign_id,
         SUM(weight) AS conversions,
         SUM(weight * revenue) AS revenue
  FROM credits
  GROUP BY model, channel
),
by_campaign AS (
  SELECT model,
         channel,
         campaign_id,
         SUM(weight) AS conversions,
         SUM(weight * revenue) AS revenue
  FROM credits
  WHERE campaign_id IS NOT NULL
  GROUP BY model, channel, campaign_id
)
SELECT model, channel, campaign_id, conversions, revenue, CAST(NULL AS DECIMAL(38, 18)) AS removal_effect
FROM by_channel
UNION ALL
SELECT model, channel, campaign_id, conversions, revenue, CAST(NULL AS DECIMAL(38, 18)) AS removal_effect
FROM by_campaign
