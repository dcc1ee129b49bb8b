-- The marketing touches that make up each subject's path, numbered in time order.
-- A converted account's window is the lookback before its conversion (conversion instant
-- included); any other subject's window is the lookback before the end of the run date.
-- With collapse_repeats, a touch of the same channel as the touch before it is dropped.
-- Output: one row per kept touch: customer_key, is_converted, converted_at, revenue,
-- touchpoint_id, channel, campaign_id, occurred_at, touch_position (1-based), touch_count.
WITH touchpoints AS (
  SELECT touchpoint_id, customer_key, channel, campaign_id, occurred_at
  FROM IDENTIFIER(:touchpoints)
  WHERE source = 'marketing'
),
conversions AS (
  SELECT customer_key, converted_at, revenue
  FROM IDENTIFIER(:conversions)
),
windowed AS (
  SELECT t.touchpoint_id,
         t.customer_key,
         COALESCE(t.channel, 'unknown') AS channel,
         t.campaign_id,
         t.occurred_at,
         c.customer_key IS NOT NULL AS is_converted,
         c.converted_at,
         c.revenue
  FROM touchpoints t
  LEFT JOIN conversions c ON c.customer_key = t.customer_key
  WHERE t.occurred_at >= COALESCE(c.converted_at, :run_end) - MAKE_DT_INTERVAL(:lookback_days)
    AND (t.occurred_at <= c.converted_at OR (c.converted_at IS NULL AND t.occurred_at < :run_end))
),
sequenced AS (
  SELECT *,
         LAG(channel) OVER (PARTITION BY customer_key ORDER BY occurred_at, touchpoint_id) AS previous_channel
  FROM windowed
),
kept AS (
  SELECT *
  FROM sequenced
  WHERE NOT (:collapse_repeats AND channel <=> previous_channel)
)
SELECT customer_key,
       is_converted,
       converted_at,
       revenue,
       touchpoint_id,
       channel,
       campaign_id,
       occurred_at,
       ROW_NUMBER() OVER (PARTITION BY customer_key ORDER BY occurred_at, touchpoint_id) AS touch_position,
       COUNT(*) OVER (PARTITION BY customer_key) AS touch_count
FROM kept
