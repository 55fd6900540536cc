package org.hygie.fhir.storage.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.util.Map;
import org.hygie.fhir.types.ResourceTypes;
import org.hygie.fhir.storage.index.SearchParameterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SearchRequestParserTest {
    private static final SearchParameterRegistry REGISTRY = new SearchParameterRegistry(FhirContext.forR4Cached(), ResourceTypes.ALL);
    private final SearchRequestParser parser = new SearchRequestParser(REGISTRY, 20, 100);

    private SearchQuery parse(String type, String query) {
        return parser.parse(type, QueryString.parse(query), false, "http://h/fhir");
    }

    @Test
    void commaIsOrAndRepetitionIsAnd() {
        SearchQuery q = parse("Patient", "family=a,b&family=c");
        assertThat(q.criteria()).hasSize(2);
        assertThat(q.criteria().get(0).anyOf()).hasSize(2);
    }

    @Test
    void escapedCommaAndPipeStayInTheValue() {
        SearchQuery q = parse("Patient", "identifier=sys|a\\,b\\|c");
        assertThat(q.criteria().get(0).anyOf()).containsExactly(new SearchValue.Token("sys", "a,b|c", false));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "identifier=s|c; s; c; false",
        "identifier=c; ; c; false",
        "identifier=|c; ; c; true",
        "identifier=s|; s; ; false",
    })
    void tokenForms(String query, String system, String code, boolean noSystem) {
        assertThat(parse("Patient", query).criteria().get(0).anyOf()).containsExactly(new SearchValue.Token(system, code, noSystem));
    }

    @Test
    void absoluteReferencesToThisServerAreLocal() {
        assertThat(parse("Appointment", "patient=http://h/fhir/Patient/p1").criteria().get(0).anyOf())
                .containsExactly(new SearchValue.Reference("Patient", "p1", null));
        assertThat(parse("Appointment", "actor:Patient=p1").criteria().get(0).anyOf())
                .containsExactly(new SearchValue.Reference("Patient", "p1", null));
        assertThat(parse("Appointment", "actor=https://x/fhir/Patient/p1").criteria().get(0).anyOf())
                .containsExactly(new SearchValue.Reference(null, null, "https://x/fhir/Patient/p1"));
    }

    @Test
    void numbersCarryTheirImplicitPrecision() {
        SearchValue.Quantity q = (SearchValue.Quantity) new ValueParser(null).criterion(
                new org.hygie.fhir.storage.index.SearchParam("Observation", "value-quantity",
                        ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum.QUANTITY, "", null, java.util.Set.of(), false),
                "value-quantity", null, "ge5.40|http://unitsofmeasure.org|mg").anyOf().get(0);
        assertThat(q.number().prefix()).isEqualTo(Prefix.GE);
        assertThat(q.number().low()).isEqualByComparingTo(new BigDecimal("5.395"));
        assertThat(q.number().high()).isEqualByComparingTo(new BigDecimal("5.405"));
        assertThat(q.system()).isEqualTo("http://unitsofmeasure.org");
        assertThat(q.code()).isEqualTo("mg");
    }

    @Test
    void pagingAndSort() {
        SearchQuery q = parse("Patient", "_count=500&_offset=40&_sort=-birthdate,family&_total=none");
        assertThat(q.count()).isEqualTo(100);
        assertThat(q.offset()).isEqualTo(40);
        assertThat(q.sort()).extracting(k -> k.param().name() + ":" + k.descending()).containsExactly("birthdate:true", "family:false");
        assertThat(q.countTotal()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "foo=bar; foo",
        "family:below=x; family:below",
        "birthdate=xx2020; birthdate",
        "birthdate=2020-13; birthdate",
        "gender:missing=maybe; gender:missing",
        "general-practitioner=not a ref; general-practitioner",
        "family.name=x; family.name",
        "general-practitioner.nosuch=x; general-practitioner.nosuch",
        "_include=Patient:family; _include",
        "_include:deep=Patient:organization; _include:deep",
        "_has:Appointment:patient=x; _has:Appointment:patient",
        "_count=-1; _count",
        "_count=ten; _count",
        "_sort=foo; _sort",
        "identifier=a|b|c; identifier",
        "_total=maybe; _total",
        "family=; family",
        "_list=$current-problems; _list",
        "_list=not an id; _list",
    })
    void badParametersAre400sNamingTheParameter(String query, String where) {
        assertThatThrownBy(() -> parse("Patient", query))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((org.hl7.fhir.r4.model.OperationOutcome) ((InvalidRequestException) e).getOperationOutcome())
                        .getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo(where));
    }

    @Test
    void chainsNameOrInferTheirTargetType() {
        SearchQuery q = parse("Slot", "schedule.actor:PractitionerRole.practitioner.name=martin");
        SearchValue.Chained first = (SearchValue.Chained) q.criteria().get(0).anyOf().get(0);
        assertThat(first.targetType()).isEqualTo("Schedule");
        SearchValue.Chained second = (SearchValue.Chained) first.inner().anyOf().get(0);
        assertThat(second.targetType()).isEqualTo("PractitionerRole");
        SearchValue.Chained third = (SearchValue.Chained) second.inner().anyOf().get(0);
        assertThat(third.targetType()).isEqualTo("Practitioner");
        assertThat(third.inner().param().name()).isEqualTo("name");
    }

    @Test
    void hasAndIncludes() {
        SearchQuery q = parse("Practitioner", "_has:PractitionerRole:practitioner:specialty=s|c&_revinclude=PractitionerRole:practitioner"
                + "&_include:iterate=PractitionerRole:location:Location");
        SearchValue.Has has = (SearchValue.Has) q.criteria().get(0).anyOf().get(0);
        assertThat(has.type()).isEqualTo("PractitionerRole");
        assertThat(has.reference()).isEqualTo("practitioner");
        assertThat(q.includes()).containsExactly(
                new SearchQuery.Include("PractitionerRole", "practitioner", null, true, false),
                new SearchQuery.Include("PractitionerRole", "location", "Location", false, true));
    }

    @Test
    void lenientHandlingIgnoresUnknownParameters() {
        SearchQuery q = parser.parse("Patient", Map.of("foo", new String[] {"bar"}, "family", new String[] {"x"}), true, null);
        assertThat(q.criteria()).hasSize(1);
    }
}
