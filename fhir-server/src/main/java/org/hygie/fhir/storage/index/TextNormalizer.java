package org.hygie.fhir.storage.index;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** FHIR string matching is case- and accent-insensitive: both indexed and searched values go through here. */
public final class TextNormalizer {
    private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private TextNormalizer() {}

    public static String normalize(String value) {
        if (value == null) {
            return null;
        }
        String decomposed = Normalizer.normalize(value, Normalizer.Form.NFD);
        String unaccented = COMBINING_MARKS.matcher(decomposed).replaceAll("");
        return SPACES.matcher(unaccented.toLowerCase(Locale.ROOT)).replaceAll(" ").trim();
    }
}
