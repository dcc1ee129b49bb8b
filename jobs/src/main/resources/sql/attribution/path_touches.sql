-- The marketing touches that make up each path, numbered in time order. Converters and
-- non-converters are observed over the same attribution window: a conversion inside it (see
-- conversions.sql) has the path of the lookback before it (conversion instant included); a
-- subject with no conversion inside the window and not paying at the end of the run date has the
-- path of the lookback before the end of the run date. An account still paying from a conversion
-- before the window has no path. A path is one (customer_key, converted_at); converted_at is null
-- on a non-converter's. With collapse_repeats, a touch of the same channel as the touch before it
-- is dropped.
-- Output: one row per kept touch: customer_key, is_converted, converted_at, revenue,
-- touchpoint_id, channel, campaign_id, occurred_at, touch_position (1-based), touch_count.
-- No path reaches before :window_start minus the lookback (a conversion's path ends at the
-- conversion, a non-converter's at :run_end): the touchpoints are read from :touches_from_date, the
-- UTC date of that instant, so the event_date partitions before it are not read however old the
-- warehouse is.
WITH touchpoints AS (
  SELECT touchpoint_id, customer_key, channel, campaign_id, occurred_at
  FROM IDENTIFIER(:touchpoints)
  WHERE source = 'marketing' AND event_date >= :touches_from_date AND occurred_at < :run_end
),
conversions AS (
  SELECT customer_key, converted_at, revenue
  FROM IDENTIFIER(:conversions)
),
intervals AS (
  SELECT account_id, started_at, ended_at
  FROM IDENTIFIER(:intervals)
),
-- Paying at the end of the run date: started_at < t and (ended_at is null or ended_at >= t).
paying AS (
  SELECT DISTINCT account_id AS customer_key
  FROM intervals
  WHERE started_at < :run_end AND (ended_at IS NULL OR ended_at >= :run_end)
),
converted_subjects AS (
  SELECT DISTINCT customer_key FROM conversions
),
non_converters AS (
  SELECT DISTINCT t.customer_key
  FROM touchpoints t
  LEFT ANTI JOIN converted_subjects c ON c.customer_key = t.customer_key
  LEFT ANTI JOIN paying p ON p.customer_key = t.customer_key
),
paths AS (
  SELECT customer_key, true AS is_converted, converted_at, revenue, converted_at AS window_end
  FROM conversions
  UNION ALL
  SELECT customer_key, false, CAST(NULL AS TIMESTAMP), CAST(NULL AS DECIMAL(20, 4)), CAST(:run_end AS TIMESTAMP)
  FROM non_converters
),
windowed AS (
  SELECT t.touchpoint_id,
         t.customer_key,
         COALESCE(t.channel, 'unknown') AS channel,
         t.campaign_id,
         t.occurred_at,
         p.is_converted,
         p.converted_at,
         p.revenue
  FROM touchpoints t
  INNER JOIN paths p ON p.customer_key = t.customer_key
  WHERE t.occurred_at >= p.window_end - MAKE_DT_INTERVAL(:lookback_days)
    AND (t.occurred_at <= p.converted_at OR (NOT p.is_converted AND t.occurred_at < p.window_end))
),
sequenced AS (
  SELECT *,
         LAG(channel) OVER (PARTITION BY customer_key, converted_at ORDER BY occurred_at, touchpoint_id)
           AS previous_channel
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
       ROW_NUMBER() OVER (PARTITION BY customer_key, converted_at ORDER BY occurred_at, touchpoint_id) AS touch_position,
       COUNT(*) OVER (PARTITION BY customer_key, converted_at) AS touch_count
FROM kept
