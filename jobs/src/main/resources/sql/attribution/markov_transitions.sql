-- Transition counts of the Markov chain over all paths, converted or not. A state is the last
-- :markov_order channels (' > ' separated); every path runs (start) -> states -> (conversion)
-- or (null). probability = transitions / all transitions out of from_state.
WITH path_touches AS (
  SELECT customer_key, converted_at, is_converted, channel, touch_position, touch_count
  FROM IDENTIFIER(:path_touches)
),
states AS (
  SELECT customer_key,
         converted_at,
         is_converted,
         touch_position,
         touch_count,
         CONCAT_WS(' > ',
           CASE WHEN :markov_order >= 3 THEN LAG(channel, 2) OVER subject_order END,
           CASE WHEN :markov_order >= 2 THEN LAG(channel, 1) OVER subject_order END,
           channel) AS state
  FROM path_touches
  WINDOW subject_order AS (PARTITION BY customer_key, converted_at ORDER BY touch_position)
),
steps AS (
  SELECT COALESCE(LAG(state) OVER (PARTITION BY customer_key, converted_at ORDER BY touch_position), '(start)')
           AS from_state,
         state AS to_state
  FROM states
  UNION ALL
  SELECT state AS from_state,
         CASE WHEN is_converted THEN '(conversion)' ELSE '(null)' END AS to_state
  FROM states
  WHERE touch_position = touch_count
),
counted AS (
  SELECT from_state, to_state, COUNT(*) AS transitions
  FROM steps
  GROUP BY from_state, to_state
)
SELECT :snapshot_date AS snapshot_date,
       :markov_order AS `order`,
       from_state,
       to_state,
       transitions,
       CAST(transitions AS DECIMAL(20, 0))
         / CAST(SUM(transitions) OVER (PARTITION BY from_state) AS DECIMAL(20, 0)) AS probability,
       :run_id AS run_id
FROM counted
