-- The journey subject (customer_key) each of a night's changed identifiers resolves to under one
-- identity map, as identity.sql resolves an activity: an account id is its own subject; an email
-- belongs to its account, else is a prospect; an anonymous id follows its person's email, else is
-- an anonymous visitor. Run with the map before the night and with the map after it, it gives
-- every subject an activity carrying such an identifier belonged to, or belongs to.
WITH

identifiers AS (
  SELECT kind, identifier
  FROM IDENTIFIER(:identifiers)
),
email_accounts AS (SELECT email_sha256, account_id FROM IDENTIFIER(:email_accounts)),
anonymous_people AS (SELECT anonymous_id, email_sha256 FROM IDENTIFIER(:anonymous_people)),

-- The person (email) of each changed email, and of each changed anonymous id linked to one. The
-- map holds one row per identifier, so the joins cannot multiply rows.
people AS (
  SELECT identifier AS email_sha256
  FROM identifiers
  WHERE kind = 'email_sha256'
  UNION ALL
  SELECT p.email_sha256
  FROM identifiers AS i
  INNER JOIN anonymous_people AS p ON p.anonymous_id = i.identifier
  WHERE i.kind = 'anonymous_id'
),

subjects AS (
  SELECT identifier AS customer_key
  FROM identifiers
  WHERE kind = 'account_id'
  UNION ALL
  SELECT coalesce(e.account_id, concat('email:', p.email_sha256))
  FROM people AS p
  LEFT JOIN email_accounts AS e ON e.email_sha256 = p.email_sha256
  UNION ALL
  SELECT concat('anon:', i.identifier)
  FROM identifiers AS i
  LEFT ANTI JOIN anonymous_people AS p ON p.anonymous_id = i.identifier
  WHERE i.kind = 'anonymous_id'
)

SELECT DISTINCT customer_key
FROM subjects
