package org.hygie.fhir.storage.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hygie.fhir.storage.ResourceStore;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.search.SearchQuery;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** The PostgreSQL resource store. The only class, with its helpers in this package, that speaks SQL. */
public class JdbcResourceStore implements ResourceStore {
    private static final String VERSION_COLUMNS =
            "v.res_type, v.res_id, v.version, v.last_updated, v.method, v.deleted, v.key_id, v.payload, v.compartment";
    private static final String HEAD_COLUMNS = "pk, res_type, res_id, version, deleted, last_updated, compartment";
    private static final RowMapper<Version> VERSION = (rs, n) -> version(rs, 1);
    private static final RowMapper<Head> HEAD = (rs, n) -> new Head(
            rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getBoolean(5), instant(rs, 6), rs.getString(7));

    /*
     * Statements that join resources to a list of keys are fenced lateral lookups ({@code offset 0}) by
     * primary or unique keys, so their plan cannot depend on statistics: PostgreSQL makes a prepared
     * statement's generic plan once, and on a fresh database's small tables it was a hash join over a
     * sequential scan of all versions (or all resources), kept as the tables grew, since nothing replans
     * it when autovacuum is off or inside one large transaction Bundle. The deleted tests stay outside the
     * fences: inside, the partial indexes of live resources qualify, and the planner may walk one of them
     * whole to find a pk. GenericPlansTest checks these plans.
     */
    /** The current versions of live resources by pk. */
    static final String READ_CURRENT = "select " + VERSION_COLUMNS + ", p.pk from unnest(?::bigint[]) as p(pk)"
            + " cross join lateral (select r.version, r.deleted from resource r where r.pk = p.pk offset 0) r"
            + " cross join lateral (select * from resource_version v where v.resource_pk = p.pk and v.version = r.version offset 0) v"
            + " where not r.deleted";
    /** A resource's head and its current version, by key. */
    static final String CURRENT_OF_KEY = "select r.pk, r.res_type, r.res_id, r.version, r.deleted, r.last_updated, r.compartment, "
            + VERSION_COLUMNS
            + " from resource r cross join lateral (select * from resource_version v where v.resource_pk = r.pk and v.version = r.version"
            + " offset 0) v where r.res_type = ? and r.res_id = ?";
    private static final RowMapper<Current> CURRENT = (rs, n) -> new Current(HEAD.mapRow(rs, n), version(rs, 8));
    /** The live resources that reference a link key. */
    static final String LIVE_REFERRERS = "select distinct r.res_type, r.res_id from resource_link l"
            + " cross join lateral (select r.res_type, r.res_id, r.deleted from resource r where r.pk = l.source_pk offset 0) r"
            + " where l.target_key = ? and not r.deleted order by 1, 2";
    /** Which of some (type, id) keys are live resources. */
    static final String LIVE_OF_KEYS = "select t.ty, t.id from unnest(?::text[], ?::text[]) as t(ty, id)"
            + " cross join lateral (select r.deleted from resource r where r.res_type = t.ty and r.res_id = t.id offset 0) r"
            + " where not r.deleted";

    private final JdbcTemplate jdbc;
    private final IndexRowWriter indexRows;
    private final List<Projection> projections;

    /** @param projections the capabilities' derived tables, kept at every write and offered every search */
    public JdbcResourceStore(JdbcTemplate jdbc, List<Projection> projections) {
        this.jdbc = jdbc;
        this.projections = List.copyOf(projections);
        this.indexRows = new IndexRowWriter(jdbc, this.projections.stream().flatMap(p -> p.tables().stream()).toList());
    }

    @Override
    public Optional<Head> head(Key key) {
        return jdbc.query("select " + HEAD_COLUMNS + " from resource where res_type = ? and res_id = ?",
                HEAD, key.type(), key.id()).stream().findFirst();
    }

    @Override
    public Optional<Head> lockHead(Key key) {
        return jdbc.query("select " + HEAD_COLUMNS + " from resource where res_type = ? and res_id = ? for update",
                HEAD, key.type(), key.id()).stream().findFirst();
    }

    @Override
    public Optional<Current> current(Key key) {
        return jdbc.query(CURRENT_OF_KEY, CURRENT, key.type(), key.id()).stream().findFirst();
    }

    @Override
    public Optional<Current> lockCurrent(Key key) {
        return jdbc.query(CURRENT_OF_KEY + " for update of r", CURRENT, key.type(), key.id()).stream().findFirst();
    }

    @Override
    public Head writeVersion(NewVersion v) {
        OffsetDateTime lastUpdated = utc(v.lastUpdated());
        long pk;
        if (v.previous() == null) {
            pk = jdbc.queryForObject(
                    "insert into resource (res_type, res_id, version, deleted, last_updated, compartment) values (?, ?, ?, ?, ?, ?) returning pk",
                    Long.class, v.type(), v.id(), v.version(), v.deleted(), lastUpdated, v.compartment());
        } else {
            pk = v.previous().pk();
            int updated = jdbc.update(
                    "update resource set version = ?, deleted = ?, last_updated = ?, compartment = ? where pk = ? and version = ?",
                    v.version(), v.deleted(), lastUpdated, v.compartment(), pk, v.previous().version());
            if (updated != 1) {
                throw new OptimisticLockingFailureException(v.type() + "/" + v.id() + " changed concurrently");
            }
        }
        jdbc.update("insert into resource_version (resource_pk, version, res_type, res_id, last_updated, method, deleted, key_id, payload,"
                        + " compartment) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                pk, v.version(), v.type(), v.id(), lastUpdated, v.method(), v.deleted(), v.keyId(), v.payload(), v.compartment());
        // the rows of a live version replaced by a live one whose index the writer knows: only the tables that change
        boolean incremental = v.prior() != null && v.previous() != null && !v.previous().deleted() && !v.deleted();
        Projection.Write written = new Projection.Write(jdbc, pk, v.type(), v.id(), v.deleted() ? List.of() : v.entries());
        if (incremental) {
            indexRows.replace(pk, v.type(), v.prior(), v.entries(), v.links());
            projections.forEach(p -> p.replaced(written, v.prior().entries()));
        } else {
            if (v.previous() != null) {
                indexRows.clear(pk);
            }
            if (!v.deleted()) {
                indexRows.write(pk, v.type(), v.entries(), v.links());
            }
            projections.forEach(p -> p.written(written));
        }
        return new Head(pk, v.type(), v.id(), v.version(), v.deleted(), v.lastUpdated(), v.compartment());
    }

    @Override
    public Optional<Version> readVersion(Key key, int version) {
        return jdbc.query("select " + VERSION_COLUMNS + " from resource r join resource_version v on v.resource_pk = r.pk"
                        + " where r.res_type = ? and r.res_id = ? and v.version = ?",
                VERSION, key.type(), key.id(), version).stream().findFirst();
    }

    @Override
    public List<Version> readCurrent(List<Long> pks) {
        if (pks.isEmpty()) {
            return List.of();
        }
        Map<Long, Version> byPk = new HashMap<>();
        jdbc.query(READ_CURRENT,
                rs -> {
                    byPk.put(rs.getLong(10), VERSION.mapRow(rs, 0));
                },
                (Object) pks.toArray(Long[]::new));
        List<Version> ordered = new ArrayList<>(pks.size());
        for (Long pk : pks) {
            Version version = byPk.get(pk);
            if (version != null) {
                ordered.add(version);
            }
        }
        return ordered;
    }

    @Override
    public List<Key> keys(List<Long> pks) {
        Map<Long, Key> byPk = new HashMap<>();
        jdbc.query("select pk, res_type, res_id from resource where pk = any (?)",
                rs -> {
                    byPk.put(rs.getLong(1), new Key(rs.getString(2), rs.getString(3)));
                }, (Object) pks.toArray(Long[]::new));
        return pks.stream().map(byPk::get).filter(java.util.Objects::nonNull).toList();
    }

    @Override
    public Page<Long> search(SearchQuery query) {
        SearchSql sql = new SearchSql(query, projections);
        Integer total = null;
        if (query.total() == SearchQuery.Total.ACCURATE && query.after() == null && query.count() > 0) {
            // first page with its total in one statement: the matches are found once (a window count over all
            // of them, before the limit) instead of once for the count and once for the page
            List<Object> args = new ArrayList<>();
            String page = pageSql(query, sql, sql.key + ", count(*) over ()", args);
            List<long[]> rows = jdbc.query(page, (rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}, args.toArray());
            if (!rows.isEmpty() || query.offset() == 0) {
                return new Page<>(rows.stream().map(r -> r[0]).toList(), rows.isEmpty() ? 0 : (int) rows.get(0)[1]);
            }
        }
        // the total counts every match, not those after the keyset cursor
        SearchSql all = query.after() == null || !query.countTotal() ? sql : new SearchSql(query.withAfter(null), projections);
        if (query.total() == SearchQuery.Total.ACCURATE) {
            total = jdbc.queryForObject("select count(*) from " + all.from + " where " + all.where, Integer.class, all.whereArgs.toArray());
        }
        if (query.count() == 0) {
            return new Page<>(List.of(), query.total() == SearchQuery.Total.ESTIMATE ? estimate(all) : total);
        }
        List<Object> args = new ArrayList<>();
        String page = pageSql(query, sql, sql.key, args);
        List<Long> items = jdbc.queryForList(page, Long.class, args.toArray());
        if (query.total() == SearchQuery.Total.ESTIMATE) {
            // a first page that is not full holds every match: then the estimate can be exact
            boolean everything = query.after() == null && query.offset() == 0 && items.size() < query.count();
            total = everything ? items.size() : estimate(all);
        }
        return new Page<>(items, total);
    }

    private static final java.util.regex.Pattern PLAN_ROWS = java.util.regex.Pattern.compile("\"Plan Rows\": *([0-9.e+]+)");

    /** {@code _total=estimate}: the rows PostgreSQL's planner expects the search to match (planning only, no scan). */
    private Integer estimate(SearchSql sql) {
        String plan = jdbc.queryForObject("explain (format json) select " + sql.key + " from " + sql.from + " where " + sql.where,
                String.class, sql.whereArgs.toArray());
        java.util.regex.Matcher rows = PLAN_ROWS.matcher(plan == null ? "" : plan);
        return rows.find() ? (int) Math.min(Integer.MAX_VALUE, Math.round(Double.parseDouble(rows.group(1)))) : null;
    }

    /** The page query of a search, selecting {@code columns}; its arguments are appended to {@code args}. */
    private static String pageSql(SearchQuery query, SearchSql sql, String columns, List<Object> args) {
        args.addAll(sql.whereArgs);
        args.addAll(sql.orderArgs);
        args.add(query.count());
        args.add(query.offset());
        return "select " + columns + " from " + sql.from + " where " + sql.where + " order by " + sql.orderBy + " limit ? offset ?";
    }

    /** PostgreSQL's plan for a (protected, resolved) search's page query: for operators and plan tests. */
    public String explain(SearchQuery query) {
        List<Object> args = new ArrayList<>();
        SearchSql sql = new SearchSql(query, projections);
        String page = pageSql(query, sql, sql.key, args);
        return String.join("\n", jdbc.queryForList("explain " + page, String.class, args.toArray()));
    }

    @Override
    public Page<Version> history(HistoryQuery q) {
        StringBuilder where = new StringBuilder("true");
        List<Object> args = new ArrayList<>();
        if (q.type() != null) {
            where.append(" and v.res_type = ?");
            args.add(q.type());
        }
        if (q.id() != null) {
            where.append(" and v.res_id = ?");
            args.add(q.id());
        }
        if (q.inCompartment()) {
            where.append(q.compartment() == null ? " and v.compartment is null" : " and v.compartment = ?");
            if (q.compartment() != null) {
                args.add(q.compartment());
            }
        }
        if (q.since() != null) {
            where.append(" and v.last_updated >= ?");
            args.add(utc(q.since()));
        }
        if (q.atLow() != null) {
            // the version was current at some point of [atLow, atHigh): created before its end, not replaced before its start
            where.append(" and v.last_updated < ? and coalesce((select min(n.last_updated) from resource_version n"
                    + " where n.resource_pk = v.resource_pk and n.version > v.version), 'infinity') > ?");
            args.add(utc(q.atHigh()));
            args.add(utc(q.atLow()));
        }
        Integer total = jdbc.queryForObject("select count(*) from resource_version v where " + where, Integer.class, args.toArray());
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(q.count());
        pageArgs.add(q.offset());
        List<Version> items = jdbc.query("select " + VERSION_COLUMNS + " from resource_version v where " + where
                + " order by v.last_updated desc, v.resource_pk desc, v.version desc limit ? offset ?", VERSION, pageArgs.toArray());
        return new Page<>(items, total);
    }

    @Override
    public List<Key> liveReferrers(String linkKey) {
        return jdbc.query(LIVE_REFERRERS,
                (rs, n) -> new Key(rs.getString(1), rs.getString(2)), linkKey);
    }

    @Override
    public List<Head> liveAfter(long afterPk, int limit) {
        return jdbc.query("select " + HEAD_COLUMNS + " from resource where pk > ? and not deleted order by pk limit ?",
                HEAD, afterPk, limit);
    }

    @Override
    public void replaceIndex(Head head, List<IndexEntry> entries, Set<String> links, String compartment) {
        indexRows.clear(head.pk());
        indexRows.write(head.pk(), head.type(), entries, links);
        Projection.Write written = new Projection.Write(jdbc, head.pk(), head.type(), head.id(), entries);
        projections.forEach(p -> p.written(written));
        jdbc.update("update resource set compartment = ? where pk = ?", compartment, head.pk());
    }

    @Override
    public void renameCompartment(String from, String to) {
        jdbc.update("update resource set compartment = ? where compartment = ?", to, from);
        jdbc.update("update resource_version set compartment = ? where compartment = ?", to, from);
        jdbc.update("update care_relationship set compartment = ? where compartment = ?", to, from);
    }

    @Override
    public int erase(String compartment, String keyId) {
        List<Long> pks = jdbc.queryForList("select pk from resource where compartment = ? for update", Long.class, compartment);
        for (Long pk : pks) {
            indexRows.clear(pk);
        }
        jdbc.update("update resource set deleted = true where compartment = ?", compartment);
        jdbc.update("delete from care_relationship where compartment = ?", compartment);
        jdbc.update("delete from binary_content where key_id = ?", keyId); // document content sealed by the same key
        return jdbc.update("update resource_version set payload = null where key_id = ?", keyId);
    }

    /** Advisory locks taken by name: a class of their own, apart from the projections' (hash collisions only make writers wait). */
    private static final int NAMED_LOCKS = 0x48594e4d;

    @Override
    public void lockName(String name) {
        jdbc.query("select pg_advisory_xact_lock(?, hashtext(?))", rs -> { }, NAMED_LOCKS, name);
    }

    @Override
    public void openCompartment(String compartment, Collection<String> grantees) {
        jdbc.update("insert into care_relationship (grantee, compartment) select g, ? from unnest(?::text[]) g on conflict do nothing",
                compartment, grantees.toArray(String[]::new));
    }

    @Override
    public Set<Key> missing(Collection<Key> targets) {
        Set<Key> missing = new HashSet<>(targets);
        if (missing.isEmpty()) {
            return missing;
        }
        String[] types = targets.stream().map(Key::type).toArray(String[]::new);
        String[] ids = targets.stream().map(Key::id).toArray(String[]::new);
        jdbc.query(LIVE_OF_KEYS,
                rs -> {
                    missing.remove(new Key(rs.getString(1), rs.getString(2)));
                }, types, ids);
        return missing;
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** The {@link #VERSION_COLUMNS} of a row, from column {@code first} on. */
    private static Version version(ResultSet rs, int first) throws SQLException {
        return new Version(rs.getString(first), rs.getString(first + 1), rs.getInt(first + 2), instant(rs, first + 3),
                rs.getString(first + 4), rs.getBoolean(first + 5), rs.getString(first + 6), rs.getBytes(first + 7), rs.getString(first + 8));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
