-- Spend from touch cost: the cost of the marketing touches of the attribution window
-- [:window_start, :run_end), the period the conversions are counted in, per channel and campaign
-- (campaign_id null for touches without a campaign). :window_start_date is its first UTC date: the
-- event_date partitions before it are not read.
WITH touchpoints AS (
  SELECT channel, campaign_id, cost, occurred_at
  FROM IDENTIFIER(:touchpoints)
  WHERE source = 'marketing' AND event_date >= :window_start_date
)
SELECT COALESCE(channel, 'unknown') AS channel,
       campaign_id,
       SUM(COALESCE(cost, 0)) AS spend
FROM touchpoints
WHERE occurred_at >= :window_start AND occurred_at < :run_end
GROUP BY COALESCE(channel, 'unknown'), campaign_id
