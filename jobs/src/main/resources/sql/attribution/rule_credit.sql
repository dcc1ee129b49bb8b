-- Credit of the five rule-based models: the touch weights (rule_weights.sql) summed per channel
-- (campaign_id null) and per channel and campaign; revenue is credited with the same weights.
-- Output: model, channel, campaign_id, conversions, revenue, removal_effect and shapley_value
-- (null here).
WITH credits AS (
  SELECT revenue, channel, campaign_id, model, weight
  FROM IDENTIFIER(:rule_weights)
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
SELECT model, channel, campaign_id, conversions, revenue, CAST(NULL AS DECIMAL(38, 18)) AS removal_effect,
       CAST(NULL AS DECIMAL(38, 18)) AS shapley_value
FROM by_channel
UNION ALL
SELECT model, channel, campaign_id, conversions, revenue, CAST(NULL AS DECIMAL(38, 18)) AS removal_effect,
       CAST(NULL AS DECIMAL(38, 18)) AS shapley_value
FROM by_campaign
