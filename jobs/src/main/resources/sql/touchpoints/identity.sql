-- Resolves every activity to its journey subject (customer_key): the account when one is known
-- (directly, through a contact's email, or through an anonymous id linked to such an email),
-- else the person's email hash (a prospect), else the anonymous id.
WITH

activities AS (SELECT * FROM tp_activities),
contacts AS (SELECT * FROM tp_silver_contacts),
touches AS (SELECT * FROM tp_silver_touches),

-- An email belongs to at most one account; should the CRM say otherwise, the most recently
-- updated contact wins (one row per email, so the join below cannot multiply rows).
email_accounts AS (
  SELECT email_sha256, account_id
  FROM (
    SELECT email_sha256, account_id,
           row_number() OVER (PARTITION BY email_sha256 ORDER BY updated_at DESC, contact_id DESC) AS rank
    FROM contacts
  )
  WHERE rank = 1
),

-- A touch carrying both ids links the visitor to the person; the earliest link wins.
anonymous_links AS (
  SELECT anonymous_id, email_sha256
  FROM (
    SELECT anonymous_id, email_sha256,
           row_number() OVER (PARTITION BY anonymous_id ORDER BY occurred_at, touch_id) AS rank
    FROM touches
    WHERE anonymous_id IS NOT NULL AND email_sha256 IS NOT NULL
  )
  WHERE rank = 1
),

-- Both lookups hold one row per person (an email, a linked visitor): broadcast, they spare two
-- shuffles of every activity.
people AS (
  SELECT /*+ BROADCAST(l) */ a.*, coalesce(a.email_sha256, l.email_sha256) AS person_email_sha256
  FROM activities AS a
  LEFT JOIN anonymous_links AS l ON l.anonymous_id = a.anonymous_id
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
