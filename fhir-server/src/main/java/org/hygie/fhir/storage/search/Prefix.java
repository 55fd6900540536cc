package org.hygie.fhir.storage.search;

import java.util.Locale;

/** Comparison prefixes of date, number and quantity search values (FHIR R4 search, section 3.1.1.4.2). */
public enum Prefix {
    EQ, NE, GT, LT, GE, LE, SA, EB, AP;

    record Split(Prefix prefix, String rest) {}

    /**
     * Splits a leading prefix off a value. Dates and numbers never start with letters, so two leading
     * letters that are not a prefix make the value invalid (null).
     */
    static Split split(String value) {
        if (value.length() > 2 && Character.isLetter(value.charAt(0)) && Character.isLetter(value.charAt(1))) {
            try {
                return new Split(valueOf(value.substring(0, 2).toUpperCase(Locale.ROOT)), value.substring(2));
            } catch (IllegalArgumentException notAPrefix) {
                return null;
            }
        }
        return new Split(EQ, value);
    }
}
