-- The attribution table: every model's credit per channel (and per campaign for the rule-based
-- models) with its bootstrap interval, next to the spend of that channel or campaign. A channel
-- or campaign with spend but no credit gets a row with 0 conversions and the interval 0..0 (no
-- resample credits it either); one with credit but no spend has spend 0.
WITH credit AS (
  SELECT model, channel, campaign_id, conversions, revenue, removal_effect, shapley_value
  FROM IDENTIFIER(:credit)
),
intervals AS (
  SELECT model, channel, campaign_id, conversions_ci_low, conversions_ci_high
  FROM IDENTIFIER(:intervals)
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
    ('markov', false),
    ('shapley', false) AS m(model, has_campaign_rows)
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
         c.removal_effect,
         c.shapley_value
  FROM credit c
  FULL OUTER JOIN spend_rows s
    ON s.model = c.model
   AND s.channel = c.channel
   AND s.campaign_id <=> c.campaign_id
),
with_intervals AS (
  SELECT c.model,
         c.channel,
         c.campaign_id,
         c.conversions,
         c.revenue,
         c.spend,
         c.removal_effect,
         c.shapley_value,
         CAST(COALESCE(i.conversions_ci_low, 0) AS DECIMAL(18, 6)) AS conversions_ci_low,
         CAST(COALESCE(i.conversions_ci_high, 0) AS DECIMAL(18, 6)) AS conversions_ci_high
  FROM combined c
  LEFT JOIN intervals i
    ON i.model = c.model
   AND i.channel = c.channel
   AND i.campaign_id <=> c.campaign_id
)
SELECT :snapshot_date AS snapshot_date,
       model,
       channel,
       campaign_id,
       conversions,
       conversions_ci_low,
       conversions_ci_high,
       revenue,
       spend,
       CASE WHEN spend <> 0 THEN revenue / spend END AS roas,
       CASE WHEN conversions <> 0 THEN spend / conversions END AS cost_per_conversion,
       removal_effect,
       shapley_value,
       :run_id AS run_id
FROM with_intervals
