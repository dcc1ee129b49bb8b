-- Every activity the cleaned exports record, one row each, with the identifiers it carries
-- (account_id, email_sha256, anonymous_id) but before identity resolution.
WITH

accounts AS (SELECT * FROM IDENTIFIER(:silver_accounts)),
milestone_roles AS (SELECT * FROM IDENTIFIER(:account_milestone_roles)),
opportunities AS (SELECT * FROM IDENTIFIER(:silver_opportunities)),
invoices AS (SELECT * FROM IDENTIFIER(:silver_invoices)),
touches AS (SELECT * FROM IDENTIFIER(:silver_touches)),
tickets AS (SELECT * FROM IDENTIFIER(:silver_tickets)),
surveys AS (SELECT * FROM IDENTIFIER(:silver_surveys)),
events AS (SELECT * FROM IDENTIFIER(:silver_events)),

-- became_customer and churned are the starts and ends of the paying intervals (PayingIntervals,
-- over every snapshot's milestones), so the journeys agree with the KPIs; a milestone that starts
-- or ends nothing (a conflict, e.g. a corrected date) is no activity.
account_milestones AS (
  SELECT account_id, milestone, occurred_at
  FROM milestone_roles
  WHERE role IN ('start', 'end')
),

crm_account_activities AS (
  SELECT 'accounts' AS dataset, 'account_created' AS activity, account_id AS source_record_id, created_at AS occurred_at,
         account_id
  FROM accounts
  UNION ALL
  SELECT 'accounts', 'trial_started', account_id, trial_started_at, account_id
  FROM accounts WHERE trial_started_at IS NOT NULL
  UNION ALL
  SELECT 'accounts', CASE milestone WHEN 'converted_at' THEN 'became_customer' ELSE 'churned' END, account_id,
         occurred_at, account_id
  FROM account_milestones
),

crm_activities AS (
  SELECT
    'crm' AS source, c.dataset, c.activity, c.source_record_id, c.occurred_at, c.account_id,
    CAST(NULL AS STRING) AS email_sha256, CAST(NULL AS STRING) AS anonymous_id,
    CAST(NULL AS STRING) AS channel, CAST(NULL AS STRING) AS campaign_id,
    CAST(NULL AS DECIMAL(20, 4)) AS revenue_impact, CAST(NULL AS DECIMAL(20, 4)) AS cost,
    map_filter(map('plan', a.plan, 'segment', a.segment), (k, v) -> v IS NOT NULL) AS features
  FROM crm_account_activities AS c
  LEFT JOIN accounts AS a ON a.account_id = c.account_id
  UNION ALL
  SELECT 'crm', 'opportunities', 'opportunity_created', opportunity_id, created_at, account_id,
         NULL, NULL, NULL, NULL, NULL, NULL,
         map_filter(map('opportunity_stage', stage, 'amount', CAST(amount_reporting AS STRING)), (k, v) -> v IS NOT NULL)
  FROM opportunities
  UNION ALL
  SELECT 'crm', 'opportunities', CASE stage WHEN 'closed_won' THEN 'opportunity_won' ELSE 'opportunity_lost' END,
         opportunity_id, closed_at, account_id, NULL, NULL, NULL, NULL, NULL, NULL,
         map_filter(map('opportunity_stage', stage, 'amount', CAST(amount_reporting AS STRING)), (k, v) -> v IS NOT NULL)
  FROM opportunities
  WHERE stage IN ('closed_won', 'closed_lost') AND closed_at IS NOT NULL
  UNION ALL
  SELECT 'crm', 'invoices', 'invoice_paid', invoice_id, paid_at, account_id, NULL, NULL, NULL, NULL,
         amount_reporting, NULL,
         map_filter(map('invoice_status', status, 'currency', currency, 'amount', CAST(amount AS STRING),
                        'issued_at', date_format(issued_at, "yyyy-MM-dd'T'HH:mm:ss'Z'")), (k, v) -> v IS NOT NULL)
  FROM invoices
  WHERE status = 'paid' AND paid_at IS NOT NULL
),

marketing_activities AS (
  SELECT 'marketing' AS source, 'touches' AS dataset, touch_type AS activity, touch_id AS source_record_id,
         occurred_at, CAST(NULL AS STRING) AS account_id, email_sha256, anonymous_id, channel, campaign_id,
         CAST(NULL AS DECIMAL(20, 4)) AS revenue_impact, cost,
         map_filter(map('utm_source', utm_source, 'utm_medium', utm_medium, 'utm_campaign', utm_campaign,
                        'landing_page', landing_page), (k, v) -> v IS NOT NULL) AS features
  FROM touches
),

support_activities AS (
  SELECT 'support' AS source, 'tickets' AS dataset, 'ticket_opened' AS activity, ticket_id AS source_record_id,
         created_at AS occurred_at, account_id, requester_email_sha256 AS email_sha256,
         CAST(NULL AS STRING) AS anonymous_id, channel, CAST(NULL AS STRING) AS campaign_id,
         CAST(NULL AS DECIMAL(20, 4)) AS revenue_impact, CAST(NULL AS DECIMAL(20, 4)) AS cost,
         map_filter(map('priority', priority, 'category', category, 'status', status), (k, v) -> v IS NOT NULL) AS features
  FROM tickets
  UNION ALL
  SELECT 'support', 'tickets', 'ticket_solved', ticket_id, solved_at, account_id, requester_email_sha256, NULL, channel,
         NULL, NULL, NULL,
         map_filter(map('priority', priority, 'category', category, 'status', status), (k, v) -> v IS NOT NULL)
  FROM tickets
  WHERE solved_at IS NOT NULL
  UNION ALL
  SELECT 'support', 'surveys', concat(survey_type, '_response'), response_id, submitted_at, account_id,
         respondent_email_sha256, NULL, NULL, NULL, NULL, NULL,
         map_filter(map('score', CAST(score AS STRING), 'survey_type', survey_type, 'ticket_id', ticket_id),
                    (k, v) -> v IS NOT NULL)
  FROM surveys
),

usage_activities AS (
  SELECT 'usage' AS source, 'events' AS dataset, event_name AS activity, event_id AS source_record_id, occurred_at,
         account_id, CAST(NULL AS STRING) AS email_sha256, CAST(NULL AS STRING) AS anonymous_id,
         platform AS channel, CAST(NULL AS STRING) AS campaign_id,
         CAST(NULL AS DECIMAL(20, 4)) AS revenue_impact, CAST(NULL AS DECIMAL(20, 4)) AS cost,
         map_filter(map('feature', feature, 'platform', platform, 'user_id', user_id, 'session_id', session_id),
                    (k, v) -> v IS NOT NULL) AS features
  FROM events
)

SELECT * FROM crm_activities
UNION ALL SELECT * FROM marketing_activities
UNION ALL SELECT * FROM support_activities
UNION ALL SELECT * FROM usage_activities
