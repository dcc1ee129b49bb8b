-- Per model, the sum of the channel-level rows (campaign_id null) and how many there are.
WITH attribution AS (
  SELECT model, campaign_id, conversions, revenue
  FROM IDENTIFIER(:attribution)
)
SELECT model,
       COALESCE(SUM(conversions), 0) AS conversions,
       COALESCE(SUM(revenue), 0) AS revenue,
       COUNT(*) AS channel_rows
FROM attribution
WHERE campaign_id IS NULL
GROUP BY model
