-- Grain state for the Orleans ADO.NET storage provider on PostgreSQL.
-- The provider finds its statements in OrleansQuery by key when the silo starts; the parameter
-- names (@GrainIdN0, @GrainStateVersion, ...) and result columns (PayloadBinary, Version,
-- NewGrainStateVersion) are its contract. Version is the ETag: every write must name the
-- version it read, so two activations of one grain can never overwrite each other silently.
-- Identifiers are unquoted, so PostgreSQL folds them to lower case and the provider's mixed-case
-- names still match.

CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- The natural key identifies a row; the provider's hashes are stored for diagnostics only, so a
-- change of hash function in a later Orleans version cannot hide existing state.
CREATE TABLE OrleansStorage
(
    ServiceId              varchar(150) NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainIdExtensionString varchar(512) NOT NULL DEFAULT '',
    GrainIdHash            integer      NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    PayloadBinary          bytea        NULL,
    Version                integer      NOT NULL,
    ModifiedOn             timestamptz  NOT NULL,
    PRIMARY KEY (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

-- One statement, one result row on success and none on a version conflict. A first write
-- (no version) inserts; a later write updates only the version it read. A write that names a
-- version for a row that does not exist inserts nothing, because the EXISTS test fails.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
INSERT INTO OrleansStorage AS stored
    (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString,
     GrainIdHash, GrainTypeHash, PayloadBinary, Version, ModifiedOn)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''''),
       @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1, now()
WHERE @GrainStateVersion::integer IS NULL
   OR EXISTS (SELECT 1 FROM OrleansStorage existing
              WHERE existing.ServiceId = @ServiceId AND existing.GrainTypeString = @GrainTypeString
                AND existing.GrainIdN0 = @GrainIdN0 AND existing.GrainIdN1 = @GrainIdN1
                AND existing.GrainIdExtensionString = COALESCE(@GrainIdExtensionString, ''''))
ON CONFLICT (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString) DO UPDATE
SET PayloadBinary = excluded.PayloadBinary,
    Version = stored.Version + 1,
    ModifiedOn = excluded.ModifiedOn
WHERE stored.Version = @GrainStateVersion
RETURNING stored.Version AS NewGrainStateVersion;
');

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''');
');

-- Clearing keeps the row with an empty payload and a new version, so a stale activation that
-- still holds the old version cannot resurrect the cleared state.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL,
    Version = Version + 1,
    ModifiedOn = now()
WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
');

-- Used only when a storage is configured to delete on clear; the answer is the version after
-- the delete so the provider sees progress.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
');
