-- Spend from campaigns: spend_reporting spread evenly over start_date..end_date (inclusive),
-- counting the days inside the attribution window :window_start_date..:run_date, the period the
-- conversions are counted in. A campaign without end_date runs through the run date; one without
-- start_date cannot be spread and counts in full.
WITH campaigns AS (
  SELECT campaign_id, channel, start_date, COALESCE(end_date, :run_date) AS end_date, spend_reporting
  FROM IDENTIFIER(:campaigns)
),
spread AS (
  SELECT campaign_id,
         COALESCE(channel, 'unknown') AS channel,
         COALESCE(spend_reporting, 0) AS spend_reporting,
         DATEDIFF(end_date, start_date) + 1 AS campaign_days,
         GREATEST(DATEDIFF(LEAST(end_date, :run_date), GREATEST(start_date, :window_start_date)) + 1, 0)
           AS counted_days,
         start_date IS NULL AS is_undated
  FROM campaigns
)
SELECT channel,
       campaign_id,
       CASE
         WHEN is_undated THEN spend_reporting
         WHEN campaign_days <= 0 THEN CAST(0 AS DECIMAL(20, 4))
         ELSE spend_reporting * LEAST(counted_days, campaign_days) / campaign_days
       END AS spend
FROM spread
