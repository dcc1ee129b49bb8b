-- Identity rules 2-5 of the output contract, as two lookups the touchpoint resolution joins:
-- an email's account (rule 2: its contact; rule 4: else its linked visitors'), and an anonymous
-- id's person (rule 3: the email of its latest link to a contact's email, else of its latest
-- link). A person's account is then the email's account, so a visitor follows its person.
-- Ties on time go to the greater touch_id (contacts: the greater contact_id): same inputs, same keys.
-- Output, one row per identifier of each kind:
--   identifier_kind 'email':     identifier = email_sha256, account_id (never null; an email
--                                without one is a prospect and has no row);
--   identifier_kind 'anonymous': identifier = anonymous_id, email_sha256 (its person),
--                                linked_accounts (distinct accounts of its contacts' emails,
--                                two or more being an identity conflict, rule 5).
WITH

contacts AS (
  SELECT contact_id, account_id, email_sha256, updated_at
  FROM IDENTIFIER(:contacts)
  WHERE email_sha256 IS NOT NULL AND account_id IS NOT NULL
),
touches AS (
  SELECT touch_id, email_sha256, anonymous_id, occurred_at
  FROM IDENTIFIER(:touches)
),

-- Rule 2: an email belongs to the account of its most recently updated contact.
contact_accounts AS (
  SELECT email_sha256, max_by(account_id, struct(updated_at, contact_id)) AS account_id
  FROM contacts
  GROUP BY email_sha256
),

-- Rule 3: a touch carrying both ids links them. contact_accounts holds one row per email, so the
-- join keeps one row per link.
links AS (
  SELECT /*+ BROADCAST(c) */
    t.anonymous_id, t.email_sha256, t.occurred_at, t.touch_id, c.account_id AS contact_account_id
  FROM touches AS t
  LEFT JOIN contact_accounts AS c ON c.email_sha256 = t.email_sha256
  WHERE t.anonymous_id IS NOT NULL AND t.email_sha256 IS NOT NULL
),

-- Rules 3 and 5: the latest link to a contact's email decides (a conflict's latest account
-- wins); without one, the latest link.
anonymous_people AS (
  SELECT
    anonymous_id,
    max_by(named_struct('email_sha256', email_sha256, 'account_id', contact_account_id),
           struct(contact_account_id IS NOT NULL, occurred_at, touch_id)) AS decided,
    count(DISTINCT contact_account_id) AS linked_accounts
  FROM links
  GROUP BY anonymous_id
),

-- Rule 4: an email without a contact belongs to the account of its latest link to a visitor that
-- rule 3 resolves to an account. anonymous_people holds one row per anonymous id.
linked_email_accounts AS (
  SELECT l.email_sha256, max_by(p.decided.account_id, struct(l.occurred_at, l.touch_id)) AS account_id
  FROM links AS l
  INNER JOIN anonymous_people AS p ON p.anonymous_id = l.anonymous_id
  WHERE l.contact_account_id IS NULL AND p.decided.account_id IS NOT NULL
  GROUP BY l.email_sha256
)

SELECT 'email' AS identifier_kind, email_sha256 AS identifier, account_id,
       CAST(NULL AS STRING) AS email_sha256, CAST(NULL AS BIGINT) AS linked_accounts
FROM contact_accounts
UNION ALL
SELECT 'email', email_sha256, account_id, NULL, NULL
FROM linked_email_accounts
UNION ALL
SELECT 'anonymous', anonymous_id, NULL, decided.email_sha256, linked_accounts
FROM anonymous_people
