-- coverage.db, schema version 1: COVERAGE.md §2.2, copied exactly.
-- Embedded at build time (coverage/module.mk); coverage/covdb.c runs the
-- PRAGMA lines first, outside any transaction (the journal mode cannot
-- change inside one), then every other statement in one transaction.
-- A change here is a new schema version with a migration step (§2.8).

PRAGMA application_id = 1396854851;
PRAGMA user_version = 1;
PRAGMA journal_mode = WAL;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,            -- created_by, created_at, schema_history (JSON)
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE profiles (
    profile_id          INTEGER PRIMARY KEY,
    profile_key         BLOB NOT NULL UNIQUE CHECK (length(profile_key) = 32),
    blob_sha256         BLOB NOT NULL CHECK (length(blob_sha256) = 32),
    report_blob_sha256  BLOB CHECK (length(report_blob_sha256) = 32),  -- --report-all build
    rules_sha256        BLOB NOT NULL CHECK (length(rules_sha256) = 32),
    params_sha256       BLOB NOT NULL CHECK (length(params_sha256) = 32),
    params_json         TEXT NOT NULL,     -- {"NAME":"VALUE",…}, sorted by name
    entitlements_sha256 BLOB,
    target              TEXT NOT NULL,     -- macos14, macos15
    main_file           TEXT NOT NULL,     -- as given, relative when possible
    main_name           TEXT NOT NULL,     -- base name of main_file
    compiler_version    TEXT NOT NULL,
    rule_count          INTEGER NOT NULL,
    created_at          INTEGER NOT NULL
);
CREATE INDEX profiles_by_blob ON profiles(blob_sha256);
CREATE INDEX profiles_by_name ON profiles(main_name, created_at);

CREATE TABLE profile_sources (
    profile_id  INTEGER NOT NULL REFERENCES profiles ON DELETE CASCADE,
    src_no      INTEGER NOT NULL,          -- read order; 0 = main file
    origin      TEXT NOT NULL,             -- '' main, import name as written, 'stdlib:NAME'
    path        TEXT NOT NULL,
    sha256      BLOB NOT NULL CHECK (length(sha256) = 32),
    size        INTEGER NOT NULL,
    PRIMARY KEY (profile_id, src_no)
) WITHOUT ROWID;

CREATE TABLE rules (
    profile_id  INTEGER NOT NULL REFERENCES profiles ON DELETE CASCADE,
    rule_id     INTEGER NOT NULL,          -- 1..n emission order; 0 = implicit
    fingerprint TEXT NOT NULL CHECK (length(fingerprint) = 16),
    action      TEXT NOT NULL CHECK (action IN ('allow', 'deny', 'implicit')),
    operations  TEXT NOT NULL,             -- names as written, aliases resolved, space-separated
    modifiers   TEXT NOT NULL,             -- canonical, '' if none
    canonical   TEXT NOT NULL,             -- canonical rule text (DESIGN.md §5)
    origin      TEXT NOT NULL,
    src_no      INTEGER,                   -- site; NULL for rule 0
    line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER,
    anchor_src_no INTEGER,                 -- where annotate counts it (§4.2)
    anchor_line   INTEGER,
    narms       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (profile_id, rule_id)
) WITHOUT ROWID;
CREATE INDEX rules_by_fingerprint ON rules(fingerprint);

CREATE TABLE rule_arms (                   -- alternatives of the top-level require-any; rows only when narms >= 2
    profile_id INTEGER NOT NULL,
    rule_id    INTEGER NOT NULL,
    arm_no     INTEGER NOT NULL,           -- 0.. in source order of the arm's span
    arm_hash   TEXT NOT NULL,              -- structural hash, 16 hex: survives reordering
    src_no INTEGER, line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER,
    PRIMARY KEY (profile_id, rule_id, arm_no),
    FOREIGN KEY (profile_id, rule_id) REFERENCES rules ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE runs (
    run_id          INTEGER PRIMARY KEY,
    run_uuid        TEXT NOT NULL UNIQUE,  -- random, 32 hex; keeps merge idempotent
    profile_id      INTEGER NOT NULL REFERENCES profiles,
    source          TEXT NOT NULL CHECK (source IN (
                      'linux-unotify', 'linux-ptrace', 'linux-preload',
                      'macos-ulog-ndjson', 'macos-ulog-json', 'macos-ulog-syslog',
                      'macos-ulog-compact', 'macos-ulog-legacy', 'macos-kext',
                      'sandboxmirror', 'eslogger', 'jsonl')),
    evaluated_blob  BLOB,                  -- blob hash the data came from, if not the plain one
    label           TEXT,                  -- --label: test or workload name
    continues       INTEGER REFERENCES runs,  -- tail import of the same input (§2.6)
    tool_version    TEXT NOT NULL,
    command_json    TEXT,                  -- traced argv, or the import command line
    host TEXT NOT NULL, os TEXT NOT NULL, kernel TEXT,
    started_at      INTEGER NOT NULL,
    heartbeat_at    INTEGER NOT NULL,
    ended_at        INTEGER,
    status          TEXT NOT NULL CHECK (status IN ('running', 'complete', 'partial', 'crashed')),
    partial_reasons TEXT,                  -- comma list: io_uring, preload, dropped, rate-limited
    exit_code       INTEGER,               -- traced command; NULL for imports
    writer_pid      INTEGER NOT NULL,
    writer_start    INTEGER NOT NULL,      -- writer's process start time (pid reuse guard)
    boot_id         TEXT NOT NULL,
    assumptions_json TEXT,                 -- --assume values
    path_map_json   TEXT,
    lower_bounds    INTEGER NOT NULL DEFAULT 0,  -- counts may be low (coalesced logs)
    accesses        INTEGER NOT NULL DEFAULT 0,
    inconsistent    INTEGER NOT NULL DEFAULT 0,
    events_kept     INTEGER NOT NULL DEFAULT 0,
    events_dropped  INTEGER NOT NULL DEFAULT 0,
    import_digest   BLOB UNIQUE            -- set when an import completes (§2.6)
);
CREATE INDEX runs_by_profile ON runs(profile_id, status);

CREATE TABLE run_observable (
    run_id    INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
    operation TEXT NOT NULL,               -- concrete operation name
    PRIMARY KEY (run_id, operation)
) WITHOUT ROWID;

CREATE TABLE processes (
    run_id      INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
    pid         INTEGER NOT NULL,
    start_ns    INTEGER NOT NULL,          -- process start, or first record if unknown
    start_known INTEGER NOT NULL DEFAULT 1,
    ppid INTEGER, parent_start_ns INTEGER,
    exe TEXT, argv_json TEXT,
    end_ns INTEGER, exit_status INTEGER,
    PRIMARY KEY (run_id, pid, start_ns)
) WITHOUT ROWID;

CREATE TABLE events (
    event_id          INTEGER PRIMARY KEY,
    run_id            INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
    seq               INTEGER NOT NULL,    -- order within the run
    ts_ns             INTEGER NOT NULL,
    pid INTEGER, proc_start_ns INTEGER, tid INTEGER,
    operation         TEXT NOT NULL,
    argument          TEXT,
    arg_kind          TEXT CHECK (arg_kind IN ('path', 'name', 'address', 'number', 'none')),
    literal_path      TEXT,                -- before resolution, when different
    facts_json        TEXT,                -- vnode type, signal target, socket type, …
    syscall           TEXT,
    errno             INTEGER,
    approx            INTEGER NOT NULL DEFAULT 0,
    reported_decision TEXT CHECK (reported_decision IN ('allow', 'deny')),
    decision          TEXT NOT NULL CHECK (decision IN ('allow', 'deny', 'unknown')),
    rule_id           INTEGER NOT NULL,
    match_status      TEXT NOT NULL CHECK (match_status IN
                        ('exact', 'ambiguous', 'inconsistent', 'unmatched')),
    dup_count         INTEGER NOT NULL DEFAULT 1,
    message           TEXT,                -- message tag, continuation lines
    stack             TEXT,
    input_line        INTEGER,             -- line in the imported file
    UNIQUE (run_id, seq)
);
CREATE INDEX events_by_rule ON events(run_id, rule_id, operation);

CREATE TABLE event_candidates (
    event_id INTEGER NOT NULL REFERENCES events ON DELETE CASCADE,
    rule_id  INTEGER NOT NULL,
    PRIMARY KEY (event_id, rule_id)
) WITHOUT ROWID;

CREATE TABLE hits (
    run_id             INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
    rule_id            INTEGER NOT NULL,
    operation          TEXT NOT NULL,
    decision           TEXT NOT NULL CHECK (decision IN ('allow', 'deny')),  -- what was decided
    decided            INTEGER NOT NULL DEFAULT 0,  -- this rule decided, exact
    decided_approx     INTEGER NOT NULL DEFAULT 0,  -- decided, operation mapping approximate
    decided_ambiguous  INTEGER NOT NULL DEFAULT 0,  -- decided under assumed facts
    matched_overridden INTEGER NOT NULL DEFAULT 0,  -- matched; a later rule decided
    inconsistent       INTEGER NOT NULL DEFAULT 0,  -- the source reported another decision
    first_ns           INTEGER NOT NULL,
    last_ns            INTEGER NOT NULL,
    sample_argument    TEXT,
    PRIMARY KEY (run_id, rule_id, operation, decision)
) WITHOUT ROWID;

CREATE TABLE arm_hits (
    run_id  INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
    rule_id INTEGER NOT NULL,
    arm_no  INTEGER NOT NULL,
    matched INTEGER NOT NULL DEFAULT 0,    -- decided accesses this alternative matched
    PRIMARY KEY (run_id, rule_id, arm_no)
) WITHOUT ROWID;

CREATE TABLE imports (
    run_id        INTEGER PRIMARY KEY REFERENCES runs ON DELETE CASCADE,
    format        TEXT NOT NULL,
    source_id     BLOB NOT NULL,           -- §2.6
    path          TEXT,                    -- as given; '-' for stdin
    byte_start    INTEGER NOT NULL,
    byte_end      INTEGER NOT NULL,        -- always at a line boundary
    line_start    INTEGER NOT NULL,
    prefix_sha256 BLOB NOT NULL,           -- SHA-256 of input bytes [0, byte_end)
    records INTEGER NOT NULL, skipped INTEGER NOT NULL, rejected INTEGER NOT NULL
);
CREATE INDEX imports_by_source ON imports(source_id, byte_end);

CREATE VIEW rule_totals AS
SELECT r.profile_id, r.rule_id, r.fingerprint,
       coalesce(sum(h.decided), 0)            AS decided,
       coalesce(sum(h.decided_approx), 0)     AS decided_approx,
       coalesce(sum(h.decided_ambiguous), 0)  AS decided_ambiguous,
       coalesce(sum(h.matched_overridden), 0) AS matched_overridden,
       min(h.first_ns) AS first_ns, max(h.last_ns) AS last_ns,
       count(DISTINCT h.run_id) AS runs_hit,
       max(u.status = 'crashed') AS includes_crashed
FROM rules r
LEFT JOIN runs u ON u.profile_id = r.profile_id
LEFT JOIN hits h ON h.run_id = u.run_id AND h.rule_id = r.rule_id
GROUP BY r.profile_id, r.rule_id;
