package org.hygie.fhir.config;

import org.hygie.fhir.error.ConfigurationProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalysisReporter;

/**
 * A start that fails for a reason Spring or Hygie can name (a setting, a port in use, a data directory
 * held by another server) ends with one line on stderr, "hygie: cannot start: what, and how to fix it",
 * instead of a hundred lines of nested bean-creation traces; the trace stays at debug level. Failures
 * nobody analysed keep Spring's full report. Registered in META-INF/spring.factories.
 */
public final class StartupFailureReporting {
    private static final Logger log = LoggerFactory.getLogger(StartupFailureReporting.class);

    private StartupFailureReporting() {}

    /** Hygie's own configuration problems: their message is the description. */
    public static final class Analyzer extends AbstractFailureAnalyzer<ConfigurationProblem> {
        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationProblem cause) {
            return new FailureAnalysis(cause.getMessage(), null, cause);
        }
    }

    /** Prints every analysed failure, Spring's included, as one line. */
    public static final class OneLineReporter implements FailureAnalysisReporter {
        @Override
        public void report(FailureAnalysis analysis) {
            log.debug("Startup failed", analysis.getCause());
            System.err.println(oneLine(analysis));
        }
    }

    static String oneLine(FailureAnalysis analysis) {
        String text = analysis.getDescription() + (analysis.getAction() == null ? "" : " " + analysis.getAction());
        return "hygie: cannot start: " + text.replaceAll("\\s+", " ").trim();
    }
}
