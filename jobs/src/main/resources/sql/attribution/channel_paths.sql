-- One row per distinct channel path, with how many conversions had it and how many subjects on it
-- did not convert (a path is one conversion, or one non-converting subject; see path_touches.sql).
WITH path_touches AS (
  SELECT customer_key, converted_at, is_converted, revenue, channel, touch_position
  FROM IDENTIFIER(:path_touches)
),
paths AS (
  SELECT customer_key,
         is_converted,
         revenue,
         ARRAY_JOIN(
           TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(touch_position, channel))), t -> t.channel),
           ' > ') AS channel_path
  FROM path_touches
  GROUP BY customer_key, converted_at, is_converted, revenue
)
SELECT :snapshot_date AS snapshot_date,
       channel_path,
       COUNT_IF(is_converted) AS conversions,
       COUNT_IF(NOT is_converted) AS non_conversions,
       COALESCE(SUM(CASE WHEN is_converted THEN revenue END), 0) AS conversion_revenue,
       :run_id AS run_id
FROM paths
GROUP BY channel_path
