-- Grain state for the Orleans ADO.NET storage provider in embedded mode.
-- The provider finds its statements in OrleansQuery by key when the silo starts; the parameter
-- names (@GrainIdN0, @GrainStateVersion, ...) and result columns (PayloadBinary, Version,
-- NewGrainStateVersion) are its contract. Version is the ETag: every write must name the
-- version it read, so two activations of one grain can never overwrite each other silently.

CREATE TABLE OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- The natural key identifies a row; the provider's hashes are stored for diagnostics only, so a
-- change of hash function in a later Orleans version cannot hide existing state.
CREATE TABLE OrleansStorage
(
    ServiceId              TEXT    NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainIdExtensionString TEXT    NOT NULL DEFAULT '',
    GrainIdHash            INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    PayloadBinary          BLOB    NULL,
    Version                INTEGER NOT NULL,
    ModifiedOn             TEXT    NOT NULL,
    PRIMARY KEY (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
) WITHOUT ROWID;

-- One statement, one result row on success and none on a version conflict. A first write
-- (no version) inserts; a later write updates only the version it read. A write that names a
-- version for a row that does not exist inserts nothing, because the EXISTS test fails.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
INSERT INTO OrleansStorage
    (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString,
     GrainIdHash, GrainTypeHash, PayloadBinary, Version, ModifiedOn)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''''),
       @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1, strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE @GrainStateVersion IS NULL
   OR EXISTS (SELECT 1 FROM OrleansStorage
              WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
                AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
                AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, ''''))
ON CONFLICT (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString) DO UPDATE
SET PayloadBinary = excluded.PayloadBinary,
    Version = OrleansStorage.Version + 1,
    ModifiedOn = excluded.ModifiedOn
WHERE OrleansStorage.Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
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
    ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
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
