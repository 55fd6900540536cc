package org.hygie.fhir.storage.index;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextNormalizerTest {

    @ParameterizedTest
    @CsvSource({
        "Hélène,            helene",
        "ÉLODIE,            elodie",
        "Zoë  Françoise,    zoe francoise",
        "'  Saint-Étienne ', saint-etienne",
        "Ångström,          angstrom",
    })
    void foldsCaseAccentsAndSpaces(String input, String expected) {
        assertThat(TextNormalizer.normalize(input)).isEqualTo(expected);
    }
}
