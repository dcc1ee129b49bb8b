-- Spend from touch cost: the cost of every marketing touch up to the end of the run date, per
-- channel and campaign (campaign_id null for touches without a campaign).
WITH touchpoints AS (
  SELECT channel, campaign_id, cost, occurred_at
  FROM IDENTIFIER(:touchpoints)
  WHERE source = 'marketing'
)
SELECT COALESCE(channel, 'unknown') AS channel,
       campaign_id,
       SUM(COALESCE(cost, 0)) AS spend
FROM touchpoints
WHERE occurred_at < :run_end
GROUP BY COALESCE(channel, 'unknown'), campaign_id
