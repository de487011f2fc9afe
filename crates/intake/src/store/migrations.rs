//! The schema and how it moves forward: one SQL script per version, applied in order by `PRAGMA
//! user_version`. Never edit one that has shipped; add another.

use rusqlite::Connection;

use super::{Result, StoreError};

/// Each entry moves the schema one version on; never edit one that has shipped, add another.
pub(super) const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE complaints (
    id            INTEGER PRIMARY KEY,
    reference     TEXT NOT NULL UNIQUE,
    -- The reference as letters and digits only, upper case: what people type in the back office.
    lookup        TEXT NOT NULL UNIQUE,
    category      TEXT NOT NULL,
    locale        TEXT NOT NULL,
    received_at   INTEGER NOT NULL,
    -- The complaint part exactly as received. It holds personal data; the status file never does.
    submission    TEXT NOT NULL,
    -- Only for customers who gave no email address: with the reference, it names their status file.
    pin           TEXT,
    status_key    TEXT NOT NULL,
    updated_at    INTEGER NOT NULL,
    next_step     TEXT,
    decision      TEXT,
    summary       TEXT,
    -- Bumped by every change; the status file is current when published_revision catches up.
    revision      INTEGER NOT NULL DEFAULT 1,
    published_revision INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE attachments (
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL,
    PRIMARY KEY (complaint_id, position)
);
CREATE TABLE stages (
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    stage         TEXT NOT NULL,
    at            INTEGER NOT NULL,
    message       TEXT,
    PRIMARY KEY (complaint_id, seq)
);
CREATE TABLE deadlines (
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    step          TEXT NOT NULL,
    due           TEXT NOT NULL,
    rule          TEXT,
    PRIMARY KEY (complaint_id, seq)
);
-- Kept as long as the complaint they created, so a retry days later still gets the first answer.
CREATE TABLE idempotency_keys (
    key           TEXT PRIMARY KEY,
    fingerprint   TEXT NOT NULL,
    status        INTEGER NOT NULL,
    body          TEXT NOT NULL,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL
);
"#,
    r#"
-- Why a complaint that looked automated (the hidden field filled, sent implausibly fast) is held back; NULL for
-- every other. A held complaint is kept whole, with its key and first answer, but has no status file until the
-- back office releases it: a real customer is never silently lost, and a bot learns nothing. (From this version
-- on, `submission` holds the complaint as parsed and serialised again, not the bytes as sent.)
ALTER TABLE complaints ADD COLUMN quarantine TEXT;
"#,
    r#"
-- What customers sent on their filed complaints (docs/replies.md): information, "resolves it", "not
-- satisfied" with a reason, a rating. Their words and files are personal data and stay here; the status file
-- shows only that they replied. read_at is NULL until `show` has shown the reply to the back office.
CREATE TABLE replies (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    at            INTEGER NOT NULL,
    text          TEXT,
    stars         INTEGER,
    read_at       INTEGER
);
CREATE INDEX replies_by_complaint ON replies (complaint_id, id);
CREATE TABLE reply_files (
    reply_id      INTEGER NOT NULL REFERENCES replies(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL,
    PRIMARY KEY (reply_id, position)
);
-- A reply's Idempotency-Key with its first answer, kept as long as the complaint, as for filing.
CREATE TABLE reply_keys (
    key           TEXT PRIMARY KEY,
    fingerprint   TEXT NOT NULL,
    status        INTEGER NOT NULL,
    body          TEXT NOT NULL,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL
);
"#,
    r#"
-- Mail waiting for the relay (docs/intake.md, Mail): added by whoever has news, sent by `serve` in the
-- background, tried again after next_at until sent_at is set. Kept after sending, with the complaint.
CREATE TABLE mail_outbox (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    to_addr       TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       INTEGER NOT NULL,
    sent_at       INTEGER,
    last_error    TEXT
);
CREATE INDEX mail_due ON mail_outbox (next_at) WHERE sent_at IS NULL;
"#,
    r#"
-- What the published insights count (docs/insights.md), one column per fact, filled from the complaint's
-- status by the domain's rules whenever it changed (facts_revision catches up with revision), so the figures
-- are computed in SQL over the indexes below and never by loading every complaint. Times are Unix seconds;
-- a *_due_at is the first second that is late (promises counted in the organisation's zone and business days).
ALTER TABLE complaints ADD COLUMN received_week TEXT;
ALTER TABLE complaints ADD COLUMN ack_due_at INTEGER;
ALTER TABLE complaints ADD COLUMN acknowledged_at INTEGER;
ALTER TABLE complaints ADD COLUMN decide_due_at INTEGER;
ALTER TABLE complaints ADD COLUMN decided_at INTEGER;
ALTER TABLE complaints ADD COLUMN decision_seconds INTEGER;
ALTER TABLE complaints ADD COLUMN closed_at INTEGER;
ALTER TABLE complaints ADD COLUMN closed_in_3_days INTEGER;
ALTER TABLE complaints ADD COLUMN closed_in_8_weeks INTEGER;
ALTER TABLE complaints ADD COLUMN reopened INTEGER NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN rating INTEGER;
ALTER TABLE complaints ADD COLUMN next_due_at INTEGER;
ALTER TABLE complaints ADD COLUMN facts_revision INTEGER NOT NULL DEFAULT 0;
-- A held complaint (quarantine) has no facts at all, so none of these counts it; releasing one marks its facts
-- stale. Every index covers its query, so no table row is read for the figures.
CREATE INDEX facts_stale ON complaints (id) WHERE facts_revision < revision;
CREATE INDEX insights_by_week ON complaints (received_week, category, ack_due_at, acknowledged_at,
    decide_due_at, decided_at, decision, reopened, rating);
CREATE INDEX decisions_by_week ON complaints (received_week, category, decision_seconds);
CREATE INDEX decisions_by_week_all ON complaints (received_week, decision_seconds);
CREATE INDEX overdue_by_due ON complaints (next_due_at, category);
CREATE INDEX opened_by_time ON complaints (received_at, category, received_week);
CREATE INDEX closed_by_time ON complaints (closed_at, category, closed_in_3_days, closed_in_8_weeks, decision);
-- The root causes the organisation found (respond --cause), from the config's list; at is the response.
CREATE TABLE complaint_causes (
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    cause         TEXT NOT NULL,
    at            INTEGER NOT NULL,
    PRIMARY KEY (complaint_id, cause)
);
CREATE INDEX causes_by_time ON complaint_causes (at, cause);
"#,
    r#"
-- The files an organisation's mail carries (docs/intake.md, Mail), named here, never copied: their bytes are
-- read from attachments or reply_files as the mail is sent, so the outbox stays small however large they are.
CREATE TABLE mail_files (
    mail_id       INTEGER NOT NULL REFERENCES mail_outbox(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    -- N of `attachment REF N` (as `show` numbers the files), which starts the file's name in the mail.
    number        INTEGER NOT NULL,
    -- NULL for one of the mail's complaint's own files (attachments), else the reply it came with (reply_files).
    reply_id      INTEGER REFERENCES replies(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    PRIMARY KEY (mail_id, seq)
);
-- The body with every file listed instead of attached, for a mail with files: sent in their place if the relay
-- refuses the mail with them for good (too large for it), so the organisation still hears of the complaint.
ALTER TABLE mail_outbox ADD COLUMN body_without_files TEXT;
"#,
    r#"
-- Each file's bytes once, named by their SHA-256 (what the attachment's and the reply file's sha256 hold): one
-- upload named by ten complaints, or a photo sent again with a reply, is stored once, not once per naming.
-- A blob no complaint or reply names any more is removed with the last that did (`Store::drop_unnamed_blobs`).
CREATE TABLE blobs (
    sha256        TEXT PRIMARY KEY,
    content       BLOB NOT NULL
);
INSERT OR IGNORE INTO blobs (sha256, content) SELECT sha256, content FROM attachments;
INSERT OR IGNORE INTO blobs (sha256, content) SELECT sha256, content FROM reply_files;
ALTER TABLE attachments DROP COLUMN content;
ALTER TABLE reply_files DROP COLUMN content;
CREATE INDEX attachments_by_blob ON attachments (sha256);
CREATE INDEX reply_files_by_blob ON reply_files (sha256);
"#,
    r#"
-- An organisation's mail about replies tells what is new (docs/intake.md, Mail): the replies from this one on
-- (NULL for every other mail). One still waiting to be sent takes the replies that follow it, so a storm of
-- replies is one mail, not one each.
ALTER TABLE mail_outbox ADD COLUMN replies_from INTEGER;
CREATE INDEX mail_by_complaint ON mail_outbox (complaint_id, id);
-- Which mails carried a reply's file (and the cascade when a reply goes), without reading every mail's files.
CREATE INDEX mail_files_by_reply ON mail_files (reply_id, position);
"#,
    r#"
-- The service's own secrets, made at the first start that needs one (`reply-proof`: 32 random bytes the
-- Reply-Proof is keyed with, docs/replies.md). created_at tells complaints received before it, whose devices
-- only know the older, unkeyed proof.
CREATE TABLE secrets (
    name          TEXT PRIMARY KEY,
    value         BLOB NOT NULL,
    created_at    INTEGER NOT NULL
);
"#,
    r#"
-- The organisation's people (issue #23, docs/staff-api.md): staff accounts, who works which complaint, the
-- internal notes and the audit log of every staff action. Sign-in itself (passkeys, recovery codes,
-- enrolment links, service tokens) has tables of its own in a later version.
CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- agent, lead or admin (desk::access::Role).
    role          TEXT NOT NULL,
    -- The desk's language for this person: en, ko or pl.
    locale        TEXT NOT NULL DEFAULT 'en',
    -- The categories (the config's ids) whose queue this person works, as a JSON array; [] for none.
    categories    TEXT NOT NULL DEFAULT '[]',
    created_at    INTEGER NOT NULL,
    -- Set when an admin turns the account off: it signs in no more, its sessions end.
    disabled_at   INTEGER
);
-- A signed-in browser: the cookie holds a random token, only its SHA-256 is kept. csrf is the value every
-- state-changing request must echo in X-CSRF-Token.
CREATE TABLE staff_sessions (
    token_sha256  TEXT PRIMARY KEY,
    staff_id      INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    csrf          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    seen_at       INTEGER NOT NULL,
    -- The client's address at sign-in (for the audit log and the stolen-cookie rule).
    address       TEXT NOT NULL,
    ended_at      INTEGER
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id);
-- Who works a complaint now (NULL: its category's queue); the survivor a duplicate was merged into; since when
-- the organisation waits for the customer (asked for more information; cleared by the customer's reply).
ALTER TABLE complaints ADD COLUMN assignee INTEGER REFERENCES staff(id);
ALTER TABLE complaints ADD COLUMN merged_into INTEGER REFERENCES complaints(id);
ALTER TABLE complaints ADD COLUMN waiting_since INTEGER;
-- Internal notes: never published, never mailed to the customer.
CREATE TABLE notes (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    author        INTEGER REFERENCES staff(id),
    at            INTEGER NOT NULL,
    text          TEXT NOT NULL,
    -- Staff ids @mentioned, as a JSON array.
    mentions      TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX notes_by_complaint ON notes (complaint_id, id);
-- Every staff action and every sign-in (and failure): who (actor: cli, staff:ID or token:ID, with the name at
-- the time), what (a stable action name), on which complaint, the details as JSON, from which address.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    actor_name    TEXT NOT NULL,
    action        TEXT NOT NULL,
    complaint_id  INTEGER REFERENCES complaints(id) ON DELETE SET NULL,
    detail        TEXT NOT NULL DEFAULT '{}',
    address       TEXT
);
CREATE INDEX audit_by_complaint ON audit_log (complaint_id, id);
"#,
    r#"
-- Full-text search for the desk (issue #23, docs/staff-api.md: `q`): the customer's description and the words
-- of each of their replies, one row each, keyed by the complaint. Kept current by the triggers below, so no
-- path that writes a complaint or a reply can forget it; filled here for the complaints already received.
-- unicode61 with diacritics removed: "zazalenie" finds "zażalenie"; queries are prefixes, so "배송" finds "배송이".
CREATE VIRTUAL TABLE search_text USING fts5(
    complaint_id UNINDEXED,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_text (complaint_id, body)
    SELECT id, json_extract(submission, '$.description') FROM complaints
    WHERE json_valid(submission) AND json_extract(submission, '$.description') IS NOT NULL;
INSERT INTO search_text (complaint_id, body)
    SELECT complaint_id, text FROM replies WHERE text IS NOT NULL;
CREATE TRIGGER search_complaint_added AFTER INSERT ON complaints
    WHEN json_valid(new.submission) AND json_extract(new.submission, '$.description') IS NOT NULL
BEGIN
    INSERT INTO search_text (complaint_id, body)
        VALUES (new.id, json_extract(new.submission, '$.description'));
END;
CREATE TRIGGER search_reply_added AFTER INSERT ON replies WHEN new.text IS NOT NULL
BEGIN
    INSERT INTO search_text (complaint_id, body) VALUES (new.complaint_id, new.text);
END;
-- A complaint's replies go with it (ON DELETE CASCADE), so its rows go in one step.
CREATE TRIGGER search_complaint_removed AFTER DELETE ON complaints
BEGIN
    DELETE FROM search_text WHERE complaint_id = old.id;
END;
"#,
    r#"
-- Outgoing webhooks (issue #23, docs/webhooks.md). An endpoint: where to POST, which event types (a JSON array
-- of names), the HMAC key its deliveries are signed with (kept as text: it signs, so it cannot be hashed),
-- who added it (an audit key: cli, staff:ID, token:ID). Removing one sets disabled_at, so its delivery log
-- stays readable.
CREATE TABLE webhook_endpoints (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL,
    events        TEXT NOT NULL,
    secret        TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER
);
-- The outbox: one row per event and endpoint, written in the transaction of the change it tells of, so no
-- event is lost and none is sent for a change that was not saved. The payload is the exact body sent. A
-- worker claims a row by writing its lease (lease_owner until lease_until) before it sends, so two nodes
-- never send the same attempt.
CREATE TABLE webhook_outbox (
    id              INTEGER PRIMARY KEY,
    endpoint_id     INTEGER NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL,
    type            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER,
    given_up_at     INTEGER,
    lease_owner     TEXT,
    lease_until     INTEGER,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at)
    WHERE delivered_at IS NULL AND given_up_at IS NULL;
-- Every attempt: when, the HTTP status (NULL when none came) or why it failed, how long it took.
CREATE TABLE webhook_deliveries (
    id            INTEGER PRIMARY KEY,
    outbox_id     INTEGER NOT NULL REFERENCES webhook_outbox(id) ON DELETE CASCADE,
    endpoint_id   INTEGER NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    attempt       INTEGER NOT NULL,
    at            INTEGER NOT NULL,
    status        INTEGER,
    error         TEXT,
    milliseconds  INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, id);
-- Deadlines found breached by serve's scan: deadline.breached is sent at most once per complaint and step.
CREATE TABLE webhook_breaches (
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    step          TEXT NOT NULL,
    due           TEXT NOT NULL,
    noticed_at    INTEGER NOT NULL,
    PRIMARY KEY (complaint_id, step)
);
"#,
    r#"
-- Sign-in to the staff desk (issue #23, docs/staff-api.md "Who is asking"): enrolment links, passkeys, the
-- WebAuthn ceremonies between their start and finish, recovery codes and service tokens. Every secret a
-- person or an integration holds (link, recovery code, token) is kept as its SHA-256 only.
-- The WebAuthn user handle of an account (a UUID): what a discoverable passkey names at sign-in.
ALTER TABLE staff ADD COLUMN user_handle TEXT;
CREATE UNIQUE INDEX staff_by_user_handle ON staff (user_handle);
-- A one-time enrolment link: for whom, with which role; good until expires_at, once.
CREATE TABLE staff_invitations (
    id            INTEGER PRIMARY KEY,
    token_sha256  TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    role          TEXT NOT NULL,
    categories    TEXT NOT NULL DEFAULT '[]',
    -- Who invited (an audit key: cli, staff:ID, token:ID).
    invited_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER
);
-- A person's passkeys: the credential's id (base64url) and webauthn-rs's Passkey as JSON (public key, counter).
CREATE TABLE staff_passkeys (
    id            INTEGER PRIMARY KEY,
    staff_id      INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    passkey       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    used_at       INTEGER
);
CREATE INDEX staff_passkeys_by_staff ON staff_passkeys (staff_id);
-- A ceremony between its start and its finish (the challenge must stay on the server), used once.
CREATE TABLE staff_ceremonies (
    id            TEXT PRIMARY KEY,
    state         TEXT NOT NULL,
    expires_at    INTEGER NOT NULL
);
-- One-time recovery codes, given once at enrolment.
CREATE TABLE staff_recovery_codes (
    staff_id      INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    code_sha256   TEXT NOT NULL,
    used_at       INTEGER,
    PRIMARY KEY (staff_id, code_sha256)
);
-- An integration's bearer token, with the role it acts as.
CREATE TABLE service_tokens (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    token_sha256  TEXT NOT NULL UNIQUE,
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
);
CREATE INDEX audit_by_actor ON audit_log (actor, action, at);
-- What staff write to the customer between stages (issue #23: a reply, a question), published on the status
-- file's timeline in the customer's language first (text: as OrgText::to_stored writes it). And the texts staff
-- start those from: per category (NULL: every category), per kind, one text per language as a JSON object
-- {"en": …, "ko": …, "pl": …}; placeholders such as {reference} and {due_date} are filled when used.
CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    -- reply or ask (complaint_domain::status::MessageKind).
    kind          TEXT NOT NULL,
    at            INTEGER NOT NULL,
    text          TEXT NOT NULL
);
CREATE INDEX messages_by_complaint ON messages (complaint_id, id);
CREATE TABLE templates (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    category      TEXT,
    -- reply, ask or decide.
    kind          TEXT NOT NULL,
    texts         TEXT NOT NULL,
    -- A staff id; NULL when the service seeded it or the command line wrote it.
    updated_by    INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    updated_at    INTEGER NOT NULL
);
-- Three to start from, which an admin may change or delete.
INSERT INTO templates (name, category, kind, texts, updated_at) VALUES
('We are looking into it', NULL, 'reply', json_object(
    'en', 'Thank you for your complaint {reference}. We are looking into it now and will let you know our decision by {due_date} at the latest. If anything changes before then, we will tell you straight away.',
    'ko', '접수 번호 {reference} 불만을 접수해 주셔서 감사합니다. 현재 담당자가 내용을 확인하고 있으며, 처리 결과는 늦어도 {due_date}까지 안내해 드리겠습니다. 그 전에 진행 상황이 달라지면 바로 알려 드리겠습니다.',
    'pl', 'Dziękujemy za zgłoszenie reklamacji nr {reference}. Zajmujemy się nią i przekażemy decyzję najpóźniej w terminie: {due_date}. Jeśli wcześniej coś się zmieni, niezwłocznie o tym poinformujemy.'),
 unixepoch()),
('Please send the receipt', NULL, 'ask', json_object(
    'en', 'To look into your complaint {reference}, we need a little more information. Could you please send us a copy of your receipt or order confirmation, using "Add information" on your complaint''s page? Thank you for your help.',
    'ko', '접수 번호 {reference} 불만을 확인하기 위해 추가 정보가 필요합니다. 불만 조회 화면의 ''내용 추가하기''를 눌러 영수증 또는 주문 확인서 사본을 보내 주시기 바랍니다. 협조해 주셔서 감사합니다.',
    'pl', 'Aby rozpatrzyć reklamację nr {reference}, potrzebujemy dodatkowych informacji. Prosimy o przesłanie kopii paragonu lub potwierdzenia zamówienia przyciskiem „Dodaj informacje” na stronie reklamacji. Dziękujemy za pomoc.'),
 unixepoch()),
('Upheld, with an apology', NULL, 'decide', json_object(
    'en', 'We have reviewed your complaint {reference} and agree that we got this wrong. We are sorry for the trouble this caused you, and we will put it right.',
    'ko', '접수 번호 {reference} 불만을 검토한 결과, 저희의 잘못이 있었음을 확인하였습니다. 불편을 드려 진심으로 사과드리며, 신속하게 바로잡겠습니다.',
    'pl', 'Rozpatrzyliśmy reklamację nr {reference} i przyznajemy, że popełniliśmy błąd. Przepraszamy za związane z tym niedogodności i niezwłocznie to naprawimy.'),
 unixepoch());
"#,
    r#"
-- A service token may expire (issue #23): refused from expires_at on, like a revoked one; NULL: until revoked.
ALTER TABLE service_tokens ADD COLUMN expires_at INTEGER;
"#,
    r#"
-- Retention and erasure (issue #25, docs/retention.md). keep_until: the last day a closed complaint's personal
-- data is kept (ISO date, the organisation's; NULL while open); erased_at: when it was erased, after which only
-- the anonymous facts the figures count stay; a legal hold (since, by whom as an audit key, why) stops both.
ALTER TABLE complaints ADD COLUMN keep_until TEXT;
ALTER TABLE complaints ADD COLUMN erased_at INTEGER;
ALTER TABLE complaints ADD COLUMN hold_since INTEGER;
ALTER TABLE complaints ADD COLUMN hold_by TEXT;
ALTER TABLE complaints ADD COLUMN hold_reason TEXT;
CREATE INDEX retention_due ON complaints (keep_until) WHERE erased_at IS NULL AND hold_since IS NULL;
-- A row deleted from the search index takes its words out of the index at once, not at the next merge.
INSERT INTO search_text (search_text, rank) VALUES ('secure-delete', 1);
"#,
    r#"
-- A customer's requests about their data (issue #25, docs/api.md "Your data"): erasure asked from the tracker
-- (exactly once per Idempotency-Key, whose first answer is its row), and its answer, done or refused with a
-- reason the customer reads. due_on: the day the law's deadline ends (complaint_domain::data_requests).
CREATE TABLE data_requests (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    -- export or erasure (complaint_domain::data_requests::DataRequestKind).
    kind          TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    fingerprint   TEXT NOT NULL DEFAULT '',
    requested_at  INTEGER NOT NULL,
    due_on        TEXT NOT NULL,
    -- open, done or refused.
    state         TEXT NOT NULL DEFAULT 'open',
    answered_at   INTEGER,
    -- An audit key (staff:ID, token:ID, cli).
    answered_by   TEXT,
    reason        TEXT
);
CREATE INDEX data_requests_by_complaint ON data_requests (complaint_id, id);
CREATE INDEX data_requests_open ON data_requests (state, due_on);
"#,
    r#"
-- Where the customer lives, when the form asked (issue #28): an ISO 3166-1 alpha-2 code that picks the
-- statutory deadlines that apply; NULL for "somewhere else", not asked, and every complaint from before.
ALTER TABLE complaints ADD COLUMN consumer_country TEXT;
"#,
    r#"
-- Evidence files' bytes in the files place (`--files`, crate::objects::evidence): such a file's row keeps its
-- hash and length, its content NULL. Bytes kept in the database before stay here. SQLite cannot drop a NOT
-- NULL, so the table is made again.
CREATE TABLE blobs_new (
    sha256        TEXT PRIMARY KEY,
    content       BLOB,
    length        INTEGER NOT NULL
);
INSERT INTO blobs_new (sha256, content, length) SELECT sha256, content, length(content) FROM blobs;
DROP TABLE blobs;
ALTER TABLE blobs_new RENAME TO blobs;
"#,
    r#"
-- The three seeded templates' Korean (issue #28): what a customer filed is a 접수 건, not a countable 불만, and
-- the tracker is 처리 현황 조회. Only where the text is still the seed's: a template someone changed stays theirs.
UPDATE templates SET texts = json_set(texts, '$.ko', '불만을 접수해 주셔서 감사합니다(접수 번호 {reference}). 지금 담당자가 내용을 확인하고 있으며, 늦어도 {due_date}까지 처리 결과를 안내해 드리겠습니다. 그 전에 진행 상황이 달라지면 바로 알려 드리겠습니다.')
WHERE json_extract(texts, '$.ko') = '접수 번호 {reference} 불만을 접수해 주셔서 감사합니다. 현재 담당자가 내용을 확인하고 있으며, 처리 결과는 늦어도 {due_date}까지 안내해 드리겠습니다. 그 전에 진행 상황이 달라지면 바로 알려 드리겠습니다.';
UPDATE templates SET texts = json_set(texts, '$.ko', '접수하신 건(접수 번호 {reference})을 확인하기 위해 추가 정보가 필요합니다. 처리 현황 조회 화면에서 ''내용 추가하기''를 눌러 영수증 또는 주문 확인서 사본을 보내 주시기 바랍니다. 협조해 주셔서 감사합니다.')
WHERE json_extract(texts, '$.ko') = '접수 번호 {reference} 불만을 확인하기 위해 추가 정보가 필요합니다. 불만 조회 화면의 ''내용 추가하기''를 눌러 영수증 또는 주문 확인서 사본을 보내 주시기 바랍니다. 협조해 주셔서 감사합니다.';
UPDATE templates SET texts = json_set(texts, '$.ko', '접수하신 건(접수 번호 {reference})을 검토한 결과, 저희의 잘못이 있었음을 확인했습니다. 불편을 드려 진심으로 사과드리며, 신속하게 바로잡겠습니다.')
WHERE json_extract(texts, '$.ko') = '접수 번호 {reference} 불만을 검토한 결과, 저희의 잘못이 있었음을 확인하였습니다. 불편을 드려 진심으로 사과드리며, 신속하게 바로잡겠습니다.';
"#,
];

pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::NewerSchema {
            found: version,
            known,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
