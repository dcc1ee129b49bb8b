-- The bootstrap's subjects, grouped: a subject is a customer_key with at least one path, and
-- subjects whose paths (channels in time order, converted or not) and rule-based credit (summed
-- touch weights per model, channel and campaign; none for a subject that did not convert) are the
-- same are one row with their number. Every model reads nothing else from a subject, so a
-- resample of the subjects is a resample of these rows. Arrays are sorted, so equal subjects
-- group together; signature orders the rows for the seeded draws.
-- Output: paths array<struct<is_converted, channels array<string>>>, credits
-- array<struct<model, channel, campaign_id, conversions>> (null without credit), subjects,
-- signature.
WITH path_touches AS (
  SELECT customer_key, converted_at, is_converted, channel, touch_position
  FROM IDENTIFIER(:path_touches)
),
rule_weights AS (
  SELECT customer_key, model, channel, campaign_id, weight
  FROM IDENTIFIER(:rule_weights)
),
paths AS (
  SELECT customer_key,
         STRUCT(is_converted,
                TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(touch_position, channel))), t -> t.channel) AS channels)
           AS path
  FROM path_touches
  GROUP BY customer_key, converted_at, is_converted
),
subject_paths AS (
  SELECT customer_key, ARRAY_SORT(COLLECT_LIST(path)) AS paths
  FROM paths
  GROUP BY customer_key
),
subject_credit_rows AS (
  SELECT customer_key, model, channel, CAST(NULL AS STRING) AS campaign_id, SUM(weight) AS conversions
  FROM rule_weights
  GROUP BY customer_key, model, channel
  UNION ALL
  SELECT customer_key, model, channel, campaign_id, SUM(weight) AS conversions
  FROM rule_weights
  WHERE campaign_id IS NOT NULL
  GROUP BY customer_key, model, channel, campaign_id
),
subject_credit AS (
  SELECT customer_key, ARRAY_SORT(COLLECT_LIST(STRUCT(model, channel, campaign_id, conversions))) AS credits
  FROM subject_credit_rows
  GROUP BY customer_key
),
subjects AS (
  SELECT p.paths, c.credits
  FROM subject_paths p
  LEFT JOIN subject_credit c ON c.customer_key = p.customer_key
),
grouped AS (
  SELECT paths, credits, COUNT(*) AS subjects
  FROM subjects
  GROUP BY paths, credits
)
SELECT paths,
       credits,
       subjects,
       TO_JSON(STRUCT(paths, credits)) AS signature
FROM grouped
