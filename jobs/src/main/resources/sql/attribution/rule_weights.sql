-- Weights of the five rule-based models: every touch of a converted path (one conversion:
-- customer_key, converted_at) gets a weight per model, and the weights of one conversion add up
-- to 1. Weights are decimals so sums do not depend on row order. time_decay alone is a double
-- until it is normalized: 2^(-age/half-life) with the age counted from the conversion's newest
-- touch, so the newest weighs 1, the sum is at least 1 and no lookback or half life makes it 0/0;
-- the sum runs in touch order so that a rerun gives the same digits.
-- Output: one row per touch and model: customer_key, converted_at, revenue, channel, campaign_id,
-- model, weight.
WITH touches AS (
  SELECT customer_key,
         converted_at,
         revenue,
         channel,
         campaign_id,
         touch_position,
         touch_count,
         occurred_at
  FROM IDENTIFIER(:path_touches)
  WHERE is_converted
),
decayed AS (
  SELECT *,
         POW(2.0D, -(CAST(UNIX_MICROS(MAX(occurred_at) OVER conversion) - UNIX_MICROS(occurred_at) AS DOUBLE)
           / 86400000000.0) / :half_life_days) AS decay_weight
  FROM touches
  WINDOW conversion AS (PARTITION BY customer_key, converted_at)
),
normalized AS (
  SELECT *,
         decay_weight / SUM(decay_weight) OVER (PARTITION BY customer_key, converted_at ORDER BY touch_position
           ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS time_decay
  FROM decayed
),
weighted AS (
  SELECT customer_key,
         converted_at,
         revenue,
         channel,
         campaign_id,
         CASE WHEN touch_position = 1 THEN 1 ELSE 0 END AS first_touch,
         CASE WHEN touch_position = touch_count THEN 1 ELSE 0 END AS last_touch,
         CAST(1 AS DECIMAL(20, 12)) / touch_count AS linear,
         time_decay,
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
  FROM normalized
),
credits AS (
  SELECT customer_key, converted_at, revenue, channel, campaign_id, model, weight
  FROM weighted
  LATERAL VIEW STACK(5,
    'first_touch', CAST(first_touch AS DECIMAL(24, 18)),
    'last_touch', CAST(last_touch AS DECIMAL(24, 18)),
    'linear', CAST(linear AS DECIMAL(24, 18)),
    'time_decay', CAST(time_decay AS DECIMAL(24, 18)),
    'position_based', CAST(position_based AS DECIMAL(24, 18))) models AS model, weight
)
SELECT customer_key, converted_at, revenue, channel, campaign_id, model, weight
FROM credits
