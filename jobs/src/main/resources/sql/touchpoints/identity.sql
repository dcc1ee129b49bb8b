-- Resolves every activity to its journey subject (customer_key), by the identity rules of the
-- output contract: a row's own account_id (rule 1); else the account of its person, the row's
-- own email or, for a visitor, the person of its anonymous id (rules 2-5, in identity_map.sql);
-- else the person's email hash (a prospect); else the anonymous id.
WITH

activities AS (SELECT * FROM IDENTIFIER(:activities)),
email_accounts AS (SELECT email_sha256, account_id FROM IDENTIFIER(:email_accounts)),
anonymous_people AS (SELECT anonymous_id, email_sha256 FROM IDENTIFIER(:anonymous_people)),

-- Both lookups hold one row per identifier, so the joins cannot multiply rows; broadcast, they
-- spare two shuffles of every activity.
people AS (
  SELECT /*+ BROADCAST(p) */ a.*, coalesce(a.email_sha256, p.email_sha256) AS person_email_sha256
  FROM activities AS a
  LEFT JOIN anonymous_people AS p ON p.anonymous_id = a.anonymous_id
),

resolved AS (
  SELECT /*+ BROADCAST(e) */ p.*, coalesce(p.account_id, e.account_id) AS resolved_account_id
  FROM people AS p
  LEFT JOIN email_accounts AS e ON e.email_sha256 = p.person_email_sha256
)

SELECT
  substr(sha2(concat_ws('|', dataset, source_record_id, activity, CAST(unix_micros(occurred_at) AS STRING)), 256), 1, 32)
    AS touchpoint_id,
  CASE
    WHEN resolved_account_id IS NOT NULL THEN resolved_account_id
    WHEN person_email_sha256 IS NOT NULL THEN concat('email:', person_email_sha256)
    ELSE concat('anon:', anonymous_id)
  END AS customer_key,
  CASE
    WHEN resolved_account_id IS NOT NULL THEN 'account'
    WHEN person_email_sha256 IS NOT NULL THEN 'prospect'
    ELSE 'anonymous'
  END AS customer_kind,
  resolved_account_id AS account_id,
  person_email_sha256 AS email_sha256,
  anonymous_id,
  source,
  dataset,
  activity,
  channel,
  campaign_id,
  occurred_at,
  revenue_impact,
  cost,
  features,
  source_record_id
FROM resolved
WHERE occurred_at IS NOT NULL
