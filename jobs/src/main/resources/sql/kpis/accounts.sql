-- Account KPIs per month and account attribute: acquisition, conversion, retention and value.
-- Output: one base row per (month, dimension, dimension_value, kpi): a count or a direct value in
-- exact_value, or a ratio as numerator / denominator x scale (see exact_values.sql).
WITH
-- Imports. Instants after the run date have not happened yet as far as this run is concerned.
accounts AS (
  SELECT
    account_id,
    segment,
    plan,
    region,
    industry,
    acquisition_channel,
    CASE WHEN trial_started_at < :cutoff_at THEN trial_started_at END AS trial_started_at
  FROM IDENTIFIER(:accounts)
),

-- Paying intervals up to the run date (PayingIntervals): a conversion is the start of one, the
-- first (interval_number 1) or a comeback; a churn is the end of one.
intervals AS (
  SELECT account_id, interval_number, started_at, ended_at
  FROM IDENTIFIER(:paying_intervals)
),

first_conversions AS (
  SELECT account_id, started_at AS converted_at
  FROM intervals
  WHERE interval_number = 1
),

paid_invoices AS (
  SELECT account_id, amount_reporting, issued_at
  FROM IDENTIFIER(:invoices)
  WHERE status = 'paid' AND issued_at < :cutoff_at
),

-- An account's first touchpoint up to the run date: its first touchpoint, when that is before the cutoff.
account_first_touches AS (
  SELECT customer_key AS account_id, first_touch_at
  FROM IDENTIFIER(:subjects)
  WHERE customer_kind = 'account' AND first_touch_at < :cutoff_at
),

onboarding_events AS (
  SELECT account_id, event_name, occurred_at
  FROM IDENTIFIER(:events)
  WHERE account_id IS NOT NULL
    AND event_name IN ('signup', 'onboarding_completed')
    AND occurred_at < :cutoff_at
),

months AS (
  SELECT period_start, start_at, end_at
  FROM IDENTIFIER(:periods)
  WHERE period_grain = 'month'
),

-- Logic: one row per (month, account) and fact.
conversions AS (
  SELECT
    m.period_start,
    i.account_id,
    max(CASE WHEN i.interval_number > 1 THEN 1 ELSE 0 END) AS is_reactivated
  FROM intervals i
  INNER JOIN months m ON i.started_at >= m.start_at AND i.started_at < m.end_at
  GROUP BY m.period_start, i.account_id
),

first_conversion_months AS (
  SELECT
    m.period_start,
    c.account_id,
    unix_seconds(c.converted_at) - unix_seconds(t.first_touch_at) AS seconds_to_convert
  FROM first_conversions c
  INNER JOIN months m ON c.converted_at >= m.start_at AND c.converted_at < m.end_at
  LEFT JOIN account_first_touches t ON t.account_id = c.account_id
),

trials AS (
  SELECT
    m.period_start,
    a.account_id,
    CASE
      WHEN c.converted_at >= a.trial_started_at
        AND c.converted_at < a.trial_started_at + make_dt_interval(:trial_window_days) THEN 1
      ELSE 0
    END AS is_converted
  FROM accounts a
  INNER JOIN months m ON a.trial_started_at >= m.start_at AND a.trial_started_at < m.end_at
  LEFT JOIN first_conversions c ON c.account_id = a.account_id
),

leads AS (
  SELECT
    m.period_start,
    t.account_id,
    CASE
      WHEN c.converted_at >= t.first_touch_at
        AND c.converted_at < t.first_touch_at + make_dt_interval(:lead_window_days) THEN 1
      ELSE 0
    END AS is_converted
  FROM account_first_touches t
  INNER JOIN months m ON t.first_touch_at >= m.start_at AND t.first_touch_at < m.end_at
  LEFT JOIN first_conversions c ON c.account_id = t.account_id
),

-- An account's first signup of the month starts its onboarding window.
signups AS (
  SELECT m.period_start, e.account_id, min(e.occurred_at) AS signup_at
  FROM onboarding_events e
  INNER JOIN months m ON e.occurred_at >= m.start_at AND e.occurred_at < m.end_at
  WHERE e.event_name = 'signup'
  GROUP BY m.period_start, e.account_id
),

onboardings AS (
  SELECT
    s.period_start,
    s.account_id,
    max(CASE
      WHEN o.occurred_at >= s.signup_at
        AND o.occurred_at < s.signup_at + make_dt_interval(:onboarding_window_days) THEN 1
      ELSE 0
    END) AS is_onboarded
  FROM signups s
  LEFT JOIN onboarding_events o ON o.account_id = s.account_id AND o.event_name = 'onboarding_completed'
  GROUP BY s.period_start, s.account_id
),

-- Paying at t: an interval with started_at < t and (ended_at is null or ended_at >= t). Only
-- intervals overlapping the month are joined; an account counts once per month whichever of its
-- intervals it is paying in.
customer_months AS (
  SELECT
    m.period_start,
    i.account_id,
    max(CASE WHEN i.started_at < m.start_at AND (i.ended_at IS NULL OR i.ended_at >= m.start_at) THEN 1 ELSE 0 END)
      AS is_paying_at_start,
    max(CASE WHEN i.started_at < m.end_at AND (i.ended_at IS NULL OR i.ended_at >= m.end_at) THEN 1 ELSE 0 END)
      AS is_paying_at_end,
    max(CASE WHEN i.started_at < m.start_at AND i.ended_at >= m.start_at AND i.ended_at < m.end_at THEN 1 ELSE 0 END)
      AS is_churned
  FROM intervals i
  INNER JOIN months m ON i.started_at < m.end_at AND (i.ended_at IS NULL OR i.ended_at >= m.start_at)
  GROUP BY m.period_start, i.account_id
),

revenue_months AS (
  SELECT m.period_start, i.account_id, sum(i.amount_reporting) AS revenue
  FROM paid_invoices i
  INNER JOIN months m ON i.issued_at >= m.start_at AND i.issued_at < m.end_at
  GROUP BY m.period_start, i.account_id
),

account_facts AS (
  SELECT period_start, account_id, 'new_customers' AS measure, 1 AS amount FROM conversions
  UNION ALL SELECT period_start, account_id, 'reactivated_customers', is_reactivated FROM conversions
  UNION ALL SELECT period_start, account_id, 'seconds_to_convert', seconds_to_convert FROM first_conversion_months
  UNION ALL SELECT period_start, account_id, 'trial_starts', 1 FROM trials
  UNION ALL SELECT period_start, account_id, 'trials_converted', is_converted FROM trials
  UNION ALL SELECT period_start, account_id, 'leads', 1 FROM leads
  UNION ALL SELECT period_start, account_id, 'leads_converted', is_converted FROM leads
  UNION ALL SELECT period_start, account_id, 'signups', 1 FROM onboardings
  UNION ALL SELECT period_start, account_id, 'onboarded', is_onboarded FROM onboardings
  UNION ALL SELECT period_start, account_id, 'customers_start', is_paying_at_start FROM customer_months
  UNION ALL SELECT period_start, account_id, 'customers_end', is_paying_at_end FROM customer_months
  UNION ALL SELECT period_start, account_id, 'churned_customers', is_churned FROM customer_months
  UNION ALL SELECT period_start, account_id, 'revenue', revenue FROM revenue_months
  UNION ALL SELECT period_start, account_id, 'invoiced_accounts', CASE WHEN account_id IS NOT NULL THEN 1 ELSE 0 END
    FROM revenue_months
),

-- Every fact counts under `all` and under each attribute of its account; an account unknown to
-- the CRM (or none) counts under the value 'unknown'.
facts_by_dimension AS (
  SELECT f.period_start, d.dimension, d.dimension_value, f.measure, CAST(f.amount AS DECIMAL(24, 4)) AS amount
  FROM account_facts f
  LEFT JOIN accounts a ON a.account_id = f.account_id
  LATERAL VIEW stack(6,
    'all', 'all',
    'segment', coalesce(a.segment, 'unknown'),
    'plan', coalesce(a.plan, 'unknown'),
    'region', coalesce(a.region, 'unknown'),
    'industry', coalesce(a.industry, 'unknown'),
    'acquisition_channel', coalesce(a.acquisition_channel, 'unknown')) d AS dimension, dimension_value
),

measures AS (
  SELECT
    period_start,
    dimension,
    dimension_value,
    sum(CASE WHEN measure = 'new_customers' THEN amount END) AS new_customers,
    sum(CASE WHEN measure = 'reactivated_customers' THEN amount END) AS reactivated_customers,
    sum(CASE WHEN measure = 'trial_starts' THEN amount END) AS trial_starts,
    sum(CASE WHEN measure = 'trials_converted' THEN amount END) AS trials_converted,
    sum(CASE WHEN measure = 'leads' THEN amount END) AS leads,
    sum(CASE WHEN measure = 'leads_converted' THEN amount END) AS leads_converted,
    sum(CASE WHEN measure = 'signups' THEN amount END) AS signups,
    sum(CASE WHEN measure = 'onboarded' THEN amount END) AS onboarded,
    sum(CASE WHEN measure = 'customers_start' THEN amount END) AS customers_start,
    sum(CASE WHEN measure = 'customers_end' THEN amount END) AS customers_end,
    sum(CASE WHEN measure = 'churned_customers' THEN amount END) AS churned_customers,
    sum(CASE WHEN measure = 'revenue' THEN amount END) AS revenue,
    sum(CASE WHEN measure = 'invoiced_accounts' THEN amount END) AS invoiced_accounts,
    -- Whole seconds: the exact median is a whole or half second, exact in a double.
    percentile(CASE WHEN measure = 'seconds_to_convert' THEN amount END, 0.5) AS median_seconds_to_convert
  FROM facts_by_dimension
  GROUP BY period_start, dimension, dimension_value
),

-- Every month gets a row for every dimension value seen, zero when nothing happened.
dimension_values AS (
  SELECT dimension, dimension_value FROM facts_by_dimension
  UNION
  SELECT 'all' AS dimension, 'all' AS dimension_value
),

monthly AS (
  SELECT
    m.period_start,
    v.dimension,
    v.dimension_value,
    CAST(coalesce(x.new_customers, 0) AS DECIMAL(24, 4)) AS new_customers,
    CAST(coalesce(x.reactivated_customers, 0) AS DECIMAL(24, 4)) AS reactivated_customers,
    CAST(coalesce(x.trial_starts, 0) AS DECIMAL(24, 4)) AS trial_starts,
    CAST(coalesce(x.trials_converted, 0) AS DECIMAL(24, 4)) AS trials_converted,
    CAST(coalesce(x.leads, 0) AS DECIMAL(24, 4)) AS leads,
    CAST(coalesce(x.leads_converted, 0) AS DECIMAL(24, 4)) AS leads_converted,
    CAST(coalesce(x.signups, 0) AS DECIMAL(24, 4)) AS signups,
    CAST(coalesce(x.onboarded, 0) AS DECIMAL(24, 4)) AS onboarded,
    CAST(coalesce(x.customers_start, 0) AS DECIMAL(24, 4)) AS customers_start,
    CAST(coalesce(x.customers_end, 0) AS DECIMAL(24, 4)) AS customers_end,
    CAST(coalesce(x.churned_customers, 0) AS DECIMAL(24, 4)) AS churned_customers,
    CAST(coalesce(x.revenue, 0) AS DECIMAL(24, 4)) AS revenue,
    CAST(coalesce(x.invoiced_accounts, 0) AS DECIMAL(24, 4)) AS invoiced_accounts,
    x.median_seconds_to_convert
  FROM months m
  CROSS JOIN dimension_values v
  LEFT JOIN measures x
    ON x.period_start = m.period_start AND x.dimension = v.dimension AND x.dimension_value = v.dimension_value
),

-- clv = arpa x min(100 / churn_rate, cap) = revenue x min(customers_start, cap x churned)
-- / (invoiced_accounts x churned): one division, so it stays exact until the final rounding.
-- churn_rate 0 or null (no churned customer): arpa x cap.
with_clv AS (
  SELECT
    *,
    CASE
      WHEN invoiced_accounts = 0 THEN NULL
      WHEN churned_customers = 0
        THEN CAST(revenue AS DECIMAL(20, 4)) * CAST(:clv_cap_months AS DECIMAL(10, 0))
          / CAST(invoiced_accounts AS DECIMAL(12, 0))
      ELSE CAST(revenue AS DECIMAL(20, 4))
          * CAST(least(customers_start, churned_customers * :clv_cap_months) AS DECIMAL(10, 0))
          / CAST(invoiced_accounts * churned_customers AS DECIMAL(12, 0))
    END AS clv
  FROM monthly
)

SELECT
  'month' AS period_grain,
  period_start,
  k.kpi,
  dimension,
  dimension_value,
  k.numerator,
  k.denominator,
  k.scale,
  k.exact_value
FROM with_clv
LATERAL VIEW stack(15,
  'new_customers', CAST(NULL AS DECIMAL(24, 4)), CAST(NULL AS DECIMAL(24, 4)), CAST(NULL AS INT),
    CAST(new_customers AS DECIMAL(38, 12)),
  'reactivated_customers', NULL, NULL, NULL, CAST(reactivated_customers AS DECIMAL(38, 12)),
  'trial_starts', NULL, NULL, NULL, CAST(trial_starts AS DECIMAL(38, 12)),
  'trial_to_paid_rate', trials_converted, trial_starts, 100, NULL,
  'lead_to_customer_rate', leads_converted, leads, 100, NULL,
  'time_to_convert_median_days', NULL, NULL, NULL,
    CAST(CAST(median_seconds_to_convert AS DECIMAL(20, 1)) / 86400 AS DECIMAL(38, 12)),
  'onboarding_completion_rate', onboarded, signups, 100, NULL,
  'customers_start', NULL, NULL, NULL, CAST(customers_start AS DECIMAL(38, 12)),
  'churned_customers', NULL, NULL, NULL, CAST(churned_customers AS DECIMAL(38, 12)),
  'churn_rate', churned_customers, customers_start, 100, NULL,
  'customer_retention_rate', CAST(customers_end - new_customers AS DECIMAL(24, 4)), customers_start, 100, NULL,
  'net_customer_growth_rate', CAST(new_customers - churned_customers AS DECIMAL(24, 4)), customers_start, 100, NULL,
  'revenue', NULL, NULL, NULL, CAST(revenue AS DECIMAL(38, 12)),
  'arpa', revenue, invoiced_accounts, 1, NULL,
  'clv', NULL, NULL, NULL, CAST(clv AS DECIMAL(38, 12))
) k AS kpi, numerator, denominator, scale, exact_value
