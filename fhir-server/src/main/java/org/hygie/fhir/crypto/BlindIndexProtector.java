package org.hygie.fhir.crypto;

import static org.hygie.fhir.error.FhirErrors.notSupported;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hygie.fhir.storage.index.IndexEntry;
import org.hygie.fhir.storage.index.IndexProtector;
import org.hygie.fhir.storage.index.SearchParam;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.hygie.fhir.storage.search.Prefix;
import org.hygie.fhir.storage.search.SearchQuery;
import org.hygie.fhir.storage.search.SearchValue;

/**
 * Replaces the values of protected parameters ({@link SensitivityPolicy}) by blind-index digests, and
 * turns searches on them into digest equality. Each value is kept in the forms its searches need:
 * strings as every normalized prefix (up to {@value #MAX_PREFIX} characters) plus the exact text; tokens as
 * system|code and code; dates as year, month and day; references as Type/id and id. Forms a digest
 * cannot answer (:contains, date ranges, sorting) are refused with a 400 that says why.
 */
public class BlindIndexProtector implements IndexProtector {
    static final int MAX_PREFIX = 64;
    /** The digest every protected parameter with a value holds: answers :missing. */
    private static final String PRESENT = "present";
    private static final long DAY_MS = 86_400_000L;

    private final BlindIndex blind;
    private final SearchParameterRegistry registry;

    public BlindIndexProtector(BlindIndex blind, SearchParameterRegistry registry) {
        this.blind = blind;
        this.registry = registry;
    }

    @Override
    public List<IndexEntry> protect(String type, List<IndexEntry> entries) {
        Set<IndexEntry> out = new LinkedHashSet<>();
        for (IndexEntry e : entries) {
            SearchParam param = registry.find(type, e.param()).orElseThrow();
            boolean protectedValue = e instanceof IndexEntry.Reference ref
                    ? SensitivityPolicy.isProtectedReference(param, ref.targetId() == null ? null : ref.targetType())
                    : SensitivityPolicy.isProtected(param);
            if (SensitivityPolicy.isProtected(param)) {
                // any value, even one kept clear, makes the parameter present (:missing is asked of digests)
                out.add(new IndexEntry.Blind(e.param(), blind.digest(type, e.param(), PRESENT, "")));
            }
            if (!protectedValue) {
                out.add(e);
                continue;
            }
            for (String[] form : forms(e)) {
                out.add(new IndexEntry.Blind(e.param(), blind.digest(type, e.param(), form[0], form[1])));
            }
        }
        return new ArrayList<>(out);
    }

    /** (kind, value) pairs to digest for one entry. */
    private static List<String[]> forms(IndexEntry e) {
        List<String[]> forms = new ArrayList<>();
        if (e instanceof IndexEntry.Token t) {
            if (t.code() != null) {
                forms.add(new String[] {"sc", (t.system() == null ? "" : t.system()) + "|" + t.code()});
                forms.add(new String[] {"c", t.code()});
            }
            if (t.textNorm() != null) {
                forms.add(new String[] {"t", t.textNorm()});
            }
        } else if (e instanceof IndexEntry.Str s) {
            for (int i = 1; i <= Math.min(s.norm().length(), MAX_PREFIX); i++) {
                forms.add(new String[] {"p", s.norm().substring(0, i)});
            }
            forms.add(new String[] {"x", s.exact()});
        } else if (e instanceof IndexEntry.Date d) {
            if (d.lowMs() != Long.MIN_VALUE) {
                ZonedDateTime start = Instant.ofEpochMilli(d.lowMs()).atZone(ZoneOffset.UTC);
                forms.add(new String[] {"y", String.format("%04d", start.getYear())});
                if (d.highMs() - d.lowMs() <= 31 * DAY_MS) {
                    forms.add(new String[] {"m", String.format("%04d-%02d", start.getYear(), start.getMonthValue())});
                }
                if (d.highMs() - d.lowMs() <= DAY_MS) {
                    forms.add(new String[] {"d", start.toLocalDate().toString()});
                }
            }
        } else if (e instanceof IndexEntry.Reference r) {
            if (r.targetId() != null) {
                forms.add(new String[] {"r", r.targetType() + "/" + r.targetId()});
                forms.add(new String[] {"i", r.targetId()});
            } else {
                forms.add(new String[] {"u", r.url()});
            }
        } else if (e instanceof IndexEntry.Number n) {
            forms.add(new String[] {"n", n.value().stripTrailingZeros().toPlainString()});
        } else if (e instanceof IndexEntry.Quantity q) {
            forms.add(new String[] {"n", q.value().stripTrailingZeros().toPlainString()});
        } else if (e instanceof IndexEntry.Uri u) {
            forms.add(new String[] {"u", u.uri()});
        }
        return forms;
    }

    @Override
    public boolean protects(SearchParam param, String targetType) {
        return SensitivityPolicy.isProtectedReference(param, targetType);
    }

    @Override
    public SearchQuery protect(SearchQuery query) {
        for (SearchQuery.SortKey key : query.sort()) {
            if (SensitivityPolicy.isProtected(key.param())) {
                throw notSupported("Cannot sort on '" + key.param().name() + "': its values are kept encrypted (blind index)", "_sort");
            }
        }
        return query.withCriteria(query.criteria().stream().map(this::protect).toList());
    }

    /** One criterion, and those nested in chains and _has kept for SQL joins. */
    private SearchQuery.Criterion protect(SearchQuery.Criterion c) {
        SearchParam param = c.param();
        if (c.anyOf().size() == 1 && c.anyOf().get(0) instanceof SearchValue.Chained chained) {
            return new SearchQuery.Criterion(param, c.modifier(), List.of(new SearchValue.Chained(chained.targetType(), protect(chained.inner()),
                    chained.guards().stream().map(this::protect).toList())));
        }
        if (c.anyOf().size() == 1 && c.anyOf().get(0) instanceof SearchValue.Has has) {
            return new SearchQuery.Criterion(param, c.modifier(), List.of(new SearchValue.Has(has.type(), has.reference(), protect(has.inner()),
                    has.guards().stream().map(this::protect).toList())));
        }
        if (!SensitivityPolicy.isProtected(param) || c.anyOf().stream().allMatch(v -> v instanceof SearchValue.Nothing)) {
            return c;
        }
        if (c.anyOf().size() == 1 && c.anyOf().get(0) instanceof SearchValue.Missing missing) {
            // :missing=true is "does not hold the presence digest"
            SearchValue present = new SearchValue.Blind(blind.digest(param.resourceType(), param.name(), PRESENT, ""));
            return new SearchQuery.Criterion(param, missing.missing() ? "not" : null, List.of(present), true);
        }
        List<SearchValue> values = new ArrayList<>();
        for (SearchValue v : c.anyOf()) {
            if (SensitivityPolicy.isMixed(param) && v instanceof SearchValue.Reference r) {
                if (r.url() == null && !SensitivityPolicy.isProtectedReference(param, r.type())) {
                    values.add(v); // a reference to directory data: kept clear
                    continue;
                }
                if (r.url() == null && r.type() == null) {
                    values.add(v); // unknown target type: the clear form may match too
                }
            }
            String[] form = queryForm(param, c.modifier(), v);
            values.add(new SearchValue.Blind(blind.digest(param.resourceType(), param.name(), form[0], form[1])));
        }
        boolean anyBlind = values.stream().anyMatch(v -> v instanceof SearchValue.Blind);
        return new SearchQuery.Criterion(param, "not".equals(c.modifier()) ? "not" : null, values, anyBlind);
    }

    private static String[] queryForm(SearchParam param, String modifier, SearchValue v) {
        String where = param.name() + (modifier == null ? "" : ":" + modifier);
        if (v instanceof SearchValue.Token t) {
            if (t.code() == null) {
                throw refused(where, "a system without a code (system|)");
            }
            if (t.system() != null) {
                return new String[] {"sc", t.system() + "|" + t.code()};
            }
            return t.noSystem() ? new String[] {"sc", "|" + t.code()} : new String[] {"c", t.code()};
        }
        if (v instanceof SearchValue.Text t) {
            if (param.type() == RestSearchParameterTypeEnum.TOKEN) {
                return new String[] {"t", t.normalized()}; // :text matches the whole normalized text
            }
            if ("contains".equals(modifier)) {
                throw refused(where, ":contains");
            }
            if ("exact".equals(modifier)) {
                return new String[] {"x", t.exact()};
            }
            if (t.normalized().length() > MAX_PREFIX) {
                throw refused(where, "a prefix longer than " + MAX_PREFIX + " characters");
            }
            return new String[] {"p", t.normalized()};
        }
        if (v instanceof SearchValue.Date d) {
            return dateForm(where, d);
        }
        if (v instanceof SearchValue.Reference r) {
            if (r.url() != null) {
                return new String[] {"u", r.url()};
            }
            return r.type() != null ? new String[] {"r", r.type() + "/" + r.id()} : new String[] {"i", r.id()};
        }
        if (v instanceof SearchValue.Number n && n.prefix() == Prefix.EQ) {
            return new String[] {"n", n.value().stripTrailingZeros().toPlainString()};
        }
        if (v instanceof SearchValue.Quantity q && q.number().prefix() == Prefix.EQ && q.system() == null && q.code() == null) {
            return new String[] {"n", q.number().value().stripTrailingZeros().toPlainString()};
        }
        if (v instanceof SearchValue.Uri u && modifier == null) {
            return new String[] {"u", u.uri()};
        }
        throw refused(where, "this form of search");
    }

    private static String[] dateForm(String where, SearchValue.Date d) {
        if (d.prefix() != Prefix.EQ) {
            throw refused(where, "the date prefix " + d.prefix().name().toLowerCase());
        }
        long width = d.range().highMs() - d.range().lowMs();
        ZonedDateTime start = Instant.ofEpochMilli(d.range().lowMs()).atZone(ZoneOffset.UTC);
        boolean midnight = start.toLocalTime().toSecondOfDay() == 0;
        if (midnight && width == DAY_MS) {
            return new String[] {"d", start.toLocalDate().toString()};
        }
        if (midnight && start.getDayOfMonth() == 1 && start.plusMonths(1).toInstant().toEpochMilli() == d.range().highMs()) {
            return new String[] {"m", String.format("%04d-%02d", start.getYear(), start.getMonthValue())};
        }
        if (midnight && start.getDayOfYear() == 1 && start.plusYears(1).toInstant().toEpochMilli() == d.range().highMs()) {
            return new String[] {"y", String.format("%04d", start.getYear())};
        }
        throw refused(where, "a date finer than a day");
    }

    private static RuntimeException refused(String where, String what) {
        return notSupported("Parameter '" + where + "' holds protected values (blind index): it answers equality"
                + " and prefix searches only, not " + what, where);
    }

    @Override
    public String linkKey(String type, String id) {
        return blind.digest("~link", "~link", "r", type + "/" + id);
    }

    @Override
    public String compartmentKey(String patientId) {
        return patientId == null ? null : blind.digest("~compartment", "~compartment", "r", "Patient/" + patientId);
    }
}
