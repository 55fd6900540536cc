package org.hygie.fhir.storage.jdbc;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.hygie.fhir.storage.index.SearchParam;
import org.hygie.fhir.storage.search.Prefix;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchValue;

/**
 * Builds the parameterised SQL of a search: each criterion becomes an EXISTS over one index table
 * (joins, not scans), values within a criterion are ORed. No value is ever spliced into the SQL text.
 */
final class SearchSql {
    private static final Pattern RESOURCE_ALIAS = Pattern.compile("\\br\\.");
    private static final Pattern INDEX_ALIAS = Pattern.compile("\\bi\\.");

    final StringBuilder where = new StringBuilder();
    final List<Object> whereArgs = new ArrayList<>();
    final StringBuilder orderBy = new StringBuilder();
    /** The table the search runs over and its resource key column. */
    String from = "resource r";
    String key = "r.pk";
    final List<Object> orderArgs = new ArrayList<>();
    /** Nesting level of chains and _has: level n names its tables r{n}, i{n}, c{n}, h{n}. */
    private final int depth;

    private SearchSql(int depth) {
        this.depth = depth;
    }

    /**
     * @param projections offered the search's criteria first (see {@link Projection}); none: every criterion
     *                    on the index tables (what the projections are checked against)
     */
    SearchSql(SearchQuery query, List<Projection> projections) {
        this.depth = 0;
        Projection projection = null;
        List<SearchQuery.Criterion> covered = List.of();
        for (Projection candidate : projections) {
            covered = candidate.covered(query);
            if (!covered.isEmpty()) {
                projection = candidate;
                break;
            }
        }
        Projection.Subqueries subqueries = (sql, args, inner) -> {
            SearchSql ids = new SearchSql(inner, projections);
            sql.append("select r.res_id from resource r where ").append(ids.where);
            args.addAll(ids.whereArgs);
        };
        if (projection != null && covered.size() == query.criteria().size() && projection.orders(query.sort())) {
            // the projection answers everything and holds live resources only: no need to go through resource
            StringBuilder select = new StringBuilder("(");
            projection.select(select, whereArgs, covered, !query.sort().isEmpty(), subqueries);
            from = select.append(") p").toString();
            key = "p.resource_pk";
            where.append("true");
            after(query);
            if (!query.sort().isEmpty()) {
                orderBy.append("p.sort_key").append(query.sort().get(0).descending() ? " desc" : " asc").append(" nulls last, ");
            }
            orderBy.append("p.resource_pk");
            return;
        }
        where.append("r.res_type = ? and not r.deleted");
        whereArgs.add(query.resourceType());
        if (projection != null) {
            where.append(" and ");
            projection.restrict(where, whereArgs, covered, subqueries);
        }
        for (SearchQuery.Criterion criterion : query.criteria()) {
            if (!covered.contains(criterion)) {
                where.append(" and ");
                criterion(criterion);
            }
        }
        for (SearchQuery.SortKey key : query.sort()) {
            sortKey(key);
            orderBy.append(", ");
        }
        after(query);
        orderBy.append("r.pk");
    }

    /** Keyset paging: rows inserted or deleted meanwhile neither shift nor repeat the next page. */
    private void after(SearchQuery query) {
        if (query.after() != null) {
            where.append(" and ").append(key).append(" > (select a.pk from resource a where a.res_type = ? and a.res_id = ?)");
            whereArgs.add(query.resourceType());
            whereArgs.add(query.after());
        }
    }

    private void criterion(SearchQuery.Criterion c) {
        SearchParam param = c.param();
        String name = param.name();
        if (c.anyOf().size() == 1 && c.anyOf().get(0) instanceof SearchValue.Missing missing) {
            if (name.equals("_id") || name.equals("_lastUpdated")) {
                where.append(missing.missing() ? "false" : "true");
                return;
            }
            where.append(missing.missing() ? "not exists" : "exists")
                    .append(" (select 1 from ").append(table(c.param())).append(" i where i.resource_pk = r.pk and i.param = ?)");
            whereArgs.add(name);
            return;
        }
        if (c.anyOf().stream().allMatch(v -> v instanceof SearchValue.Nothing)) {
            where.append("false"); // a chain or _has whose inner search matched nothing
            return;
        }
        if (c.anyOf().size() == 1 && c.anyOf().get(0) instanceof SearchValue.Chained chained) {
            chain(c, chained);
            return;
        }
        if (c.anyOf().size() == 1 && c.anyOf().get(0) instanceof SearchValue.Has has) {
            has(param.resourceType(), has);
            return;
        }
        if (name.equals("_compartment")) {
            compartment(c);
            return;
        }
        if (name.equals("_id")) {
            where.append("r.res_id = any (?)");
            whereArgs.add(c.anyOf().stream().map(v -> ((SearchValue.Token) v).code()).toArray(String[]::new));
            return;
        }
        if (name.equals("_lastUpdated")) {
            anyOf(c, v -> RangePredicates.date(where, whereArgs, (SearchValue.Date) v, "r.last_updated", "(r.last_updated + interval '1 millisecond')", true));
            return;
        }
        boolean negated = "not".equals(c.modifier());
        if (c.blind()) {
            List<SearchValue> digests = c.anyOf().stream().filter(v -> v instanceof SearchValue.Blind).toList();
            List<SearchValue> clear = c.anyOf().stream().filter(v -> !(v instanceof SearchValue.Blind)).toList();
            where.append(negated ? "not (" : "(");
            // all of a resource's digests are in one row: "holds any of these digests"
            where.append("exists (select 1 from idx_blind i where i.resource_pk = r.pk and i.digests && ?)");
            whereArgs.add(digests.stream().map(v -> HexFormat.of().parseHex(((SearchValue.Blind) v).digestHex())).toArray(byte[][]::new));
            if (!clear.isEmpty()) { // a parameter protected per value: some values are kept clear
                where.append(" or ");
                criterion(new SearchQuery.Criterion(param, null, clear));
            }
            where.append(")");
            return;
        }
        where.append(negated ? "not exists" : "exists")
                .append(" (select 1 from ").append(table(c.param()))
                .append(" i where i.resource_pk = r.pk and i.res_type = ? and i.param = ? and ");
        whereArgs.add(param.resourceType());
        whereArgs.add(name);
        anyOf(c, v -> valuePredicate(c, v));
        where.append(")");
    }

    /**
     * An access restriction: the row's patient compartment is one of these (null: in none), or one opened to
     * one of the grantees of a {@link SearchValue.Granted} by a care relationship.
     */
    private void compartment(SearchQuery.Criterion c) {
        String[] keys = c.anyOf().stream().filter(v -> v instanceof SearchValue.Compartment)
                .map(v -> ((SearchValue.Compartment) v).key()).filter(java.util.Objects::nonNull).toArray(String[]::new);
        boolean none = c.anyOf().stream().anyMatch(v -> v instanceof SearchValue.Compartment k && k.key() == null);
        where.append("(r.compartment = any (?)");
        whereArgs.add(keys);
        for (SearchValue v : c.anyOf()) {
            if (v instanceof SearchValue.Granted granted) {
                where.append(" or r.compartment in (select g.compartment from care_relationship g where g.grantee = any (?))");
                whereArgs.add(granted.grantees().toArray(String[]::new));
            }
        }
        where.append(none ? " or r.compartment is null)" : ")");
    }

    /**
     * A chain through a clear reference: the referenced resource, joined, must match the inner criterion and
     * its guards.
     * At the top level the chain is evaluated once into an array of keys (an init plan): as a semi-join,
     * PostgreSQL underestimated its rows and chose a nested loop (640 ms instead of 8 ms measured on
     * 28,000 slots).
     */
    private void chain(SearchQuery.Criterion c, SearchValue.Chained chained) {
        int n = depth + 1;
        String body = " from idx_reference c" + n + " where c" + n + ".res_type = ? and c" + n + ".param = ? and c" + n
                + ".target_type = ? and exists (select 1 from resource r" + n + " where r" + n + ".res_type = ? and r" + n
                + ".res_id = c" + n + ".target_id and not r" + n + ".deleted and ";
        where.append(depth == 0 ? "r.pk = any (array(select c" + n + ".resource_pk" + body : "exists (select 1" + body);
        whereArgs.add(c.param().resourceType());
        whereArgs.add(c.param().name());
        whereArgs.add(chained.targetType());
        whereArgs.add(chained.targetType());
        nested(chained.inner(), chained.guards());
        where.append(depth == 0 ? ")))" : ") and c" + n + ".resource_pk = r.pk)");
    }

    /** _has through a clear reference: some resource of that type, pointing here, matches the inner criterion. */
    private void has(String type, SearchValue.Has has) {
        int n = depth + 1;
        String from = " from idx_reference h" + n + " join resource r" + n + " on r" + n + ".pk = h" + n + ".resource_pk where h" + n
                + ".res_type = ? and h" + n + ".param = ? and h" + n + ".target_type = ? and not r" + n + ".deleted and ";
        where.append(depth == 0 ? "r.res_id = any (array(select h" + n + ".target_id" + from : "exists (select 1" + from);
        whereArgs.add(has.type());
        whereArgs.add(has.reference());
        whereArgs.add(type);
        nested(has.inner(), has.guards());
        where.append(depth == 0 ? "))" : " and h" + n + ".target_id = r.res_id)");
    }

    /**
     * The inner criterion and its guards (the caller's restriction on the joined type), built at the next
     * level with their aliases renamed so they do not hide this level's.
     */
    private void nested(SearchQuery.Criterion inner, List<SearchQuery.Criterion> guards) {
        SearchSql sql = new SearchSql(depth + 1);
        sql.criterion(inner);
        for (SearchQuery.Criterion guard : guards) {
            sql.where.append(" and ");
            sql.criterion(guard);
        }
        String n = Integer.toString(depth + 1);
        String text = RESOURCE_ALIAS.matcher(sql.where).replaceAll("r" + n + ".");
        text = INDEX_ALIAS.matcher(text).replaceAll("i" + n + ".").replace(" i where ", " i" + n + " where ");
        where.append(text);
        whereArgs.addAll(sql.whereArgs);
    }

    private void anyOf(SearchQuery.Criterion c, java.util.function.Consumer<SearchValue> predicate) {
        where.append("(");
        for (int i = 0; i < c.anyOf().size(); i++) {
            if (i > 0) {
                where.append(" or ");
            }
            predicate.accept(c.anyOf().get(i));
        }
        where.append(")");
    }

    private void valuePredicate(SearchQuery.Criterion c, SearchValue value) {
        String modifier = c.modifier();
        if (value instanceof SearchValue.Token t) {
            tokenPredicate(t);
        } else if (value instanceof SearchValue.Text t) {
            textPredicate(c, modifier, t);
        } else if (value instanceof SearchValue.Date d) {
            RangePredicates.date(where, whereArgs, d, "i.low_ms", "i.high_ms", false);
        } else if (value instanceof SearchValue.Reference ref) {
            referencePredicate(ref);
        } else if (value instanceof SearchValue.Number n) {
            RangePredicates.number(where, whereArgs, n);
        } else if (value instanceof SearchValue.Quantity q) {
            quantityPredicate(q);
        } else if (value instanceof SearchValue.Uri u) {
            uriPredicate(modifier, u);
        } else if (value instanceof SearchValue.Near n) {
            RangePredicates.near(where, whereArgs, n);
        } else {
            throw new IllegalStateException("unexpected search value " + value);
        }
    }

    private void tokenPredicate(SearchValue.Token t) {
        where.append("(true");
        if (t.code() != null) {
            where.append(" and i.code = ?");
            whereArgs.add(t.code());
        }
        if (t.noSystem()) {
            where.append(" and i.system is null");
        } else if (t.system() != null) {
            where.append(" and i.system = ?");
            whereArgs.add(t.system());
        }
        where.append(")");
    }

    private void textPredicate(SearchQuery.Criterion c, String modifier, SearchValue.Text t) {
        if (c.param().type() == RestSearchParameterTypeEnum.TOKEN) { // :text on a token
            where.append("i.text_norm like ? escape '\\'");
            whereArgs.add(likeEscape(t.normalized()) + "%");
        } else if ("exact".equals(modifier)) {
            where.append("i.value_exact = ?");
            whereArgs.add(t.exact());
        } else {
            where.append("i.value_norm like ? escape '\\'");
            whereArgs.add(("contains".equals(modifier) ? "%" : "") + likeEscape(t.normalized()) + "%");
        }
    }

    private void referencePredicate(SearchValue.Reference ref) {
        if (ref.url() != null) {
            where.append("i.target_url = ?");
            whereArgs.add(ref.url());
        } else if (ref.type() != null) {
            where.append("(i.target_id = ? and i.target_type = ?)");
            whereArgs.add(ref.id());
            whereArgs.add(ref.type());
        } else {
            where.append("i.target_id = ?");
            whereArgs.add(ref.id());
        }
    }

    private void quantityPredicate(SearchValue.Quantity q) {
        where.append("(");
        RangePredicates.number(where, whereArgs, q.number());
        if (q.system() != null) {
            where.append(" and i.system = ?");
            whereArgs.add(q.system());
        }
        if (q.code() != null) {
            if (q.system() != null) {
                where.append(" and i.code = ?");
                whereArgs.add(q.code());
            } else {
                where.append(" and (i.code = ? or i.unit = ?)");
                whereArgs.add(q.code());
                whereArgs.add(q.code());
            }
        }
        where.append(")");
    }

    private void uriPredicate(String modifier, SearchValue.Uri u) {
        if ("below".equals(modifier)) {
            where.append("i.uri like ? escape '\\'");
            whereArgs.add(likeEscape(u.uri()) + "%");
        } else if ("above".equals(modifier)) {
            where.append("starts_with(?, i.uri)");
            whereArgs.add(u.uri());
        } else {
            where.append("i.uri = ?");
            whereArgs.add(u.uri());
        }
    }

    private void sortKey(SearchQuery.SortKey key) {
        SearchParam param = key.param();
        String direction = key.descending() ? " desc nulls last" : " asc nulls last";
        switch (param.name()) {
            case "_id" -> orderBy.append("r.res_id").append(direction);
            case "_lastUpdated" -> orderBy.append("r.last_updated").append(direction);
            default -> {
                String column = switch (param.type()) {
                    case TOKEN -> "i.code";
                    case STRING -> "i.value_norm";
                    case DATE -> "i.low_ms";
                    case REFERENCE -> "coalesce(i.target_type || '/' || i.target_id, i.target_url)";
                    case NUMBER, QUANTITY -> "i.value";
                    case URI -> "i.uri";
                    default -> throw new IllegalStateException("no sort column for " + param.type());
                };
                orderBy.append("(select ").append(key.descending() ? "max(" : "min(").append(column).append(") from ")
                        .append(table(param)).append(" i where i.resource_pk = r.pk and i.param = ?)").append(direction);
                orderArgs.add(param.name());
            }
        }
    }

    static String table(SearchParam param) {
        return switch (param.type()) {
            case TOKEN -> "idx_token";
            case STRING -> "idx_string";
            case DATE -> "idx_date";
            case REFERENCE -> "idx_reference";
            case NUMBER -> "idx_number";
            case QUANTITY -> "idx_quantity";
            case URI -> "idx_uri";
            case SPECIAL -> "idx_geo";
            case COMPOSITE -> "idx_token";
            default -> throw new IllegalStateException("no index table for " + param.type());
        };
    }

    static String likeEscape(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
