-- 002: Orleans cluster membership storage (Microsoft.Orleans.Clustering.AdoNet 10.4.x, invariant Npgsql).
--
-- The provider loads every row of orleansquery at startup, then runs the query texts
-- registered below with named parameters (DeploymentId is the Orleans ClusterId) and
-- reads the result columns by name (Npgsql matches names case-insensitively).
-- Every query is plain SQL, so this script has no function bodies and no dollar quoting,
-- and it runs as one multi-statement NpgsqlCommand.
-- Timestamps are timestamptz because Orleans always writes and expects UTC instants.

-- One row per cluster. version is the table ETag: every membership insert or update must
-- present the version it last read, and bumps it by one when it wins.
create table orleansmembershipversiontable
(
    deploymentid text        not null,
    version      integer     not null default 0,
    modifiedat   timestamptz not null default now(),
    constraint pk_orleansmembershipversiontable primary key (deploymentid)
);

-- One row per silo incarnation (address, port and generation identify a silo process).
create table orleansmembershiptable
(
    deploymentid text        not null,
    address      text        not null,
    port         integer     not null,
    generation   integer     not null,
    siloname     text        not null,
    hostname     text        not null,
    status       integer     not null,
    proxyport    integer     not null default 0,
    suspecttimes text        null,
    starttime    timestamptz not null,
    iamalivetime timestamptz not null,
    constraint pk_orleansmembershiptable primary key (deploymentid, address, port, generation),
    constraint fk_orleansmembershiptable_version foreign key (deploymentid)
        references orleansmembershipversiontable (deploymentid)
);

insert into orleansquery (querykey, querytext) values

-- Creates the cluster version row once. Returns one boolean: true only for the caller that created it.
('InsertMembershipVersionKey', '
with created as (
    insert into orleansmembershipversiontable (deploymentid)
    values (@DeploymentId)
    on conflict (deploymentid) do nothing
    returning 1
)
select count(*) > 0 as inserted from created;
'),

-- Adds a silo row only if the caller still holds the current version and the row is new.
-- The version row is bumped first so that its row lock serialises concurrent writers, and the
-- insert consumes the bump output, so nothing is inserted when the ETag is stale.
-- The cap on version keeps version + 1 inside integer range (the write just fails instead).
('InsertMembershipKey', '
with bumped as (
    update orleansmembershipversiontable as v
       set version = v.version + 1,
           modifiedat = now()
     where v.deploymentid = @DeploymentId
       and v.version = @Version
       and v.version < 2147483647
       and not exists (
               select 1
                 from orleansmembershiptable as e
                where e.deploymentid = @DeploymentId
                  and e.address = @Address
                  and e.port = @Port
                  and e.generation = @Generation)
    returning v.deploymentid
),
added as (
    insert into orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname,
         status, proxyport, starttime, iamalivetime)
    select b.deploymentid, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, @StartTime, @IAmAliveTime
      from bumped as b
    on conflict do nothing
    returning 1
)
select count(*) > 0 as inserted from added;
'),

-- Changes status and suspicion votes of an existing silo row under the same ETag rule.
-- iamalivetime never moves backwards, since a writer may carry a value read earlier.
('UpdateMembershipKey', '
with bumped as (
    update orleansmembershipversiontable as v
       set version = v.version + 1,
           modifiedat = now()
     where v.deploymentid = @DeploymentId
       and v.version = @Version
       and v.version < 2147483647
       and exists (
               select 1
                 from orleansmembershiptable as e
                where e.deploymentid = @DeploymentId
                  and e.address = @Address
                  and e.port = @Port
                  and e.generation = @Generation)
    returning v.deploymentid
),
changed as (
    update orleansmembershiptable as m
       set status = @Status,
           suspecttimes = @SuspectTimes,
           iamalivetime = greatest(m.iamalivetime, @IAmAliveTime)
      from bumped as b
     where m.deploymentid = b.deploymentid
       and m.address = @Address
       and m.port = @Port
       and m.generation = @Generation
    returning 1
)
select count(*) > 0 as updated from changed;
'),

-- Heartbeat. Deliberately leaves the version alone: liveness is not a membership change.
('UpdateIAmAlivetimeKey', '
update orleansmembershiptable
   set iamalivetime = greatest(iamalivetime, @IAmAliveTime)
 where deploymentid = @DeploymentId
   and address = @Address
   and port = @Port
   and generation = @Generation;
'),

-- The provider takes the ETag from the version column of the first row, so the version row
-- drives the join: a cluster without silos still yields one row, with null silo columns.
('MembershipReadRowKey', '
select v.deploymentid, v.version,
       m.address, m.port, m.generation, m.siloname, m.hostname, m.status,
       m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime
  from orleansmembershipversiontable as v
  left join orleansmembershiptable as m
         on m.deploymentid = v.deploymentid
        and m.address = @Address
        and m.port = @Port
        and m.generation = @Generation
 where v.deploymentid = @DeploymentId;
'),

('MembershipReadAllKey', '
select v.deploymentid, v.version,
       m.address, m.port, m.generation, m.siloname, m.hostname, m.status,
       m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime
  from orleansmembershipversiontable as v
  left join orleansmembershiptable as m
         on m.deploymentid = v.deploymentid
 where v.deploymentid = @DeploymentId;
'),

-- Used by clients to find gateways. The provider binds Status = 3 (Active).
('GatewaysQueryKey', '
select address, proxyport, generation
  from orleansmembershiptable
 where deploymentid = @DeploymentId
   and status = @Status
   and proxyport > 0;
'),

-- Drops a whole cluster: silo rows first because of the foreign key, then its version row.
('DeleteMembershipTableEntriesKey', '
delete from orleansmembershiptable where deploymentid = @DeploymentId;
delete from orleansmembershipversiontable where deploymentid = @DeploymentId;
'),

-- Preferred defunct-silo cleanup (optional key, read by 10.4.x when present). The provider
-- reads all rows, picks Dead (status 6) silos older than the cutoff itself, and deletes each
-- one only if the row still holds the values it saw, so a row changed meanwhile survives.
('CleanupDefunctSiloEntryKey', '
delete from orleansmembershiptable
 where deploymentid = @DeploymentId
   and address = @Address
   and port = @Port
   and generation = @Generation
   and status = 6
   and starttime = @StartTime
   and iamalivetime = @IAmAliveTime
   and coalesce(suspecttimes, '''') = coalesce(@SuspectTimes, '''');
'),

-- Required fallback cleanup, used only when the key above is missing. Bound parameter
-- IAmAliveTime is the cutoff. Only Dead silos with no recorded suspicion votes are removed,
-- because vote timestamps cannot be checked against the cutoff in SQL.
('CleanupDefunctSiloEntriesKey', '
delete from orleansmembershiptable
 where deploymentid = @DeploymentId
   and status = 6
   and iamalivetime < @IAmAliveTime
   and starttime < @IAmAliveTime
   and coalesce(suspecttimes, '''') = '''';
');
