-- The attribution table: every model's credit per channel (and per campaign for the rule-based
-- models) next to the spend of that channel or campaign. A channel or campaign with spend but
-- no credit gets a row with 0 conversions; one with credit but no spend has spend 0.
WITH credit AS (
  SELECT model, channel, campaign_id, conversions, revenue, removal_effect
  FROM IDENTIFIER(:credit)
),
spend AS (
  SELECT channel, campaign_id, spend
  FROM IDENTIFIER(:spend)
),
models AS (
  SELECT *
  FROM VALUES
    ('first_touch', true),
    ('last_touch', true),
    ('linear', true),
    ('time_decay', true),
    ('position_based', true),
    ('markov', false) AS m(model, has_campaign_rows)
),
channel_spend AS (
  SELECT channel, SUM(spend) AS spend
  FROM spend
  GROUP BY channel
),
campaign_spend AS (
  SELECT channel, campaign_id, SUM(spend) AS spend
  FROM spend
  WHERE campaign_id IS NOT NULL
  GROUP BY channel, campaign_id
),
spend_rows AS (
  SELECT m.model, s.channel, CAST(NULL AS STRING) AS campaign_id, s.spend
  FROM models m
  CROSS JOIN channel_spend s
  UNION ALL
  SELECT m.model, s.channel, s.campaign_id, s.spend
  FROM models m
  CROSS JOIN campaign_spend s
  WHERE m.has_campaign_rows
),
combined AS (
  SELECT COALESCE(c.model, s.model) AS model,
         COALESCE(c.channel, s.channel) AS channel,
         COALESCE(c.campaign_id, s.campaign_id) AS campaign_id,
         CAST(COALESCE(c.conversions, 0) AS DECIMAL(18, 6)) AS conversions,
         CAST(COALESCE(c.revenue, 0) AS DECIMAL(20, 4)) AS revenue,
         CAST(COALESCE(s.spend, 0) AS DECIMAL(20, 4)) AS spend,
         c.removal_effect
  FROM credit c
  FULL OUTER JOIN spend_rows s
    ON s.model = c.model
   AND s.channel = c.channel
   AND s.campaign_id <=> c.campaign_id
)
SELECT :snapshot_date AS snapshot_date,
       model,
       channel,
       campaign_id,
       conversions,
       revenue,
       spend,
       CASE WHEN spend <> 0 THEN revenue / spend END AS roas,
       CASE WHEN conversions <> 0 THEN spend / conversions END AS cost_per_conversion,
       removal_effect,
       :run_id AS run_id
FROM combined
