package org.hygie.fhir.storage.index;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.regex.Matcher;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Timing;
import org.hl7.fhir.r4.model.UriType;

/** Turns one FHIR element found by a search expression into the index entries its parameter kind calls for. */
final class ValueIndexer {

    void index(SearchParam param, IBase value, Collection<IndexEntry> out) {
        String name = param.name();
        switch (param.type()) {
            case TOKEN -> token(name, value, out);
            case STRING -> string(name, value, out);
            case DATE -> date(name, value, out);
            case REFERENCE -> reference(name, value, out);
            case NUMBER -> number(name, value, out);
            case QUANTITY -> quantity(name, value, out);
            case SPECIAL -> {
                if (value instanceof Location.LocationPositionComponent position && position.hasLatitude() && position.hasLongitude()) {
                    out.add(new IndexEntry.Position(name, position.getLatitude().doubleValue(), position.getLongitude().doubleValue()));
                }
            }
            case COMPOSITE -> {
                // DocumentReference.relationship: relatesTo code $ target, kept as one token "code$Type/id"
                if (value instanceof DocumentReference.DocumentReferenceRelatesToComponent relates && relates.hasCode()
                        && relates.getTarget().getReference() != null) {
                    Matcher local = LocalReference.PATTERN.matcher(relates.getTarget().getReference());
                    String target = local.matches() ? local.group(1) + "/" + local.group(2) : relates.getTarget().getReference();
                    out.add(new IndexEntry.Token(name, null, relates.getCode().toCode() + "$" + target, null));
                }
            }
            case URI -> {
                if (value instanceof PrimitiveType<?> p && p.hasValue()) {
                    out.add(new IndexEntry.Uri(name, p.getValueAsString()));
                }
            }
            default -> { /* kinds not indexed are not in the registry */ }
        }
    }

    private static void token(String name, IBase value, Collection<IndexEntry> out) {
        if (value instanceof Coding c) {
            if (c.hasCode() || c.hasSystem()) {
                out.add(new IndexEntry.Token(name, c.getSystem(), c.getCode(), TextNormalizer.normalize(c.getDisplay())));
            }
        } else if (value instanceof CodeableConcept cc) {
            cc.getCoding().forEach(c -> token(name, c, out));
            if (cc.hasText()) {
                out.add(new IndexEntry.Token(name, null, null, TextNormalizer.normalize(cc.getText())));
            }
        } else if (value instanceof Identifier id) {
            if (id.hasValue() || id.hasSystem()) {
                String typeText = id.hasType() ? id.getType().getText() : null;
                out.add(new IndexEntry.Token(name, id.getSystem(), id.getValue(), TextNormalizer.normalize(typeText)));
            }
        } else if (value instanceof ContactPoint cp) {
            if (cp.hasValue()) {
                out.add(new IndexEntry.Token(name, null, cp.getValue(), null));
            }
        } else if (value instanceof Enumeration<?> e) {
            if (e.hasValue()) {
                out.add(new IndexEntry.Token(name, e.getSystem(), e.getValueAsString(), null));
            }
        } else if (value instanceof BooleanType b) {
            if (b.hasValue()) {
                out.add(new IndexEntry.Token(name, null, b.getValueAsString(), null));
            }
        } else if (value instanceof PrimitiveType<?> p && p.hasValue()) {
            out.add(new IndexEntry.Token(name, null, p.getValueAsString(), null));
        }
    }

    private static void string(String name, IBase value, Collection<IndexEntry> out) {
        if (value instanceof HumanName n) {
            addString(name, n.getFamily(), out);
            n.getGiven().forEach(g -> addString(name, g.getValue(), out));
            n.getPrefix().forEach(g -> addString(name, g.getValue(), out));
            n.getSuffix().forEach(g -> addString(name, g.getValue(), out));
            addString(name, n.getText(), out);
        } else if (value instanceof Address a) {
            a.getLine().forEach(l -> addString(name, l.getValue(), out));
            addString(name, a.getCity(), out);
            addString(name, a.getDistrict(), out);
            addString(name, a.getState(), out);
            addString(name, a.getPostalCode(), out);
            addString(name, a.getCountry(), out);
            addString(name, a.getText(), out);
        } else if (value instanceof PrimitiveType<?> p) {
            addString(name, p.getValueAsString(), out);
        }
    }

    private static void addString(String name, String text, Collection<IndexEntry> out) {
        if (text != null && !text.isBlank()) {
            out.add(new IndexEntry.Str(name, TextNormalizer.normalize(text), text));
        }
    }

    private static void date(String name, IBase value, Collection<IndexEntry> out) {
        if (value instanceof BaseDateTimeType d) {
            FhirDateRange.parse(d.getValueAsString()).ifPresent(r -> out.add(new IndexEntry.Date(name, r.lowMs(), r.highMs())));
        } else if (value instanceof Period p) {
            long low = p.hasStart() ? FhirDateRange.parse(p.getStartElement().getValueAsString()).map(FhirDateRange::lowMs).orElse(FhirDateRange.OPEN_LOW) : FhirDateRange.OPEN_LOW;
            long high = p.hasEnd() ? FhirDateRange.parse(p.getEndElement().getValueAsString()).map(FhirDateRange::highMs).orElse(FhirDateRange.OPEN_HIGH) : FhirDateRange.OPEN_HIGH;
            if (p.hasStart() || p.hasEnd()) {
                out.add(new IndexEntry.Date(name, low, high));
            }
        } else if (value instanceof Timing t) {
            t.getEvent().forEach(e -> date(name, e, out));
        }
    }

    private static void reference(String name, IBase value, Collection<IndexEntry> out) {
        String text = null;
        if (value instanceof Reference r) {
            text = r.getReference();
        } else if (value instanceof UriType u) { // canonical, uri, url
            text = u.getValue();
        }
        if (text == null || text.isBlank() || text.startsWith("#")) {
            return;
        }
        Matcher local = LocalReference.PATTERN.matcher(text);
        if (local.matches()) {
            out.add(new IndexEntry.Reference(name, local.group(1), local.group(2), null));
        } else {
            out.add(new IndexEntry.Reference(name, null, null, text));
        }
    }

    private static void number(String name, IBase value, Collection<IndexEntry> out) {
        if (value instanceof DecimalType d && d.hasValue()) {
            out.add(new IndexEntry.Number(name, d.getValue()));
        } else if (value instanceof IntegerType i && i.hasValue()) {
            out.add(new IndexEntry.Number(name, BigDecimal.valueOf(i.getValue())));
        }
    }

    private static void quantity(String name, IBase value, Collection<IndexEntry> out) {
        if (value instanceof Quantity q && q.hasValue()) {
            out.add(new IndexEntry.Quantity(name, q.getValue(), q.getSystem(), q.getCode(), q.getUnit()));
        }
    }
}
