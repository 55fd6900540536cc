package org.hygie.fhir.web;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * HAPI logs every exception a hook throws at ERROR with its stack trace, before the server answers it; a
 * hook that refuses a client's request (MediaTypeInterceptor's 415, ValidateOperation's 400) would fill the
 * log with traces of nothing wrong. Those, and only those (4xx), are dropped; a hook's real failure still
 * logs, and is answered as a 500 naming an incident (ServerErrorInterceptor). So is HAPI's ERROR when it
 * cannot read a body that the client sent too slowly (SlowBodyFilter answers it with a 408).
 */
final class ClientErrorsFromHooks extends TurboFilter {
    private static final String HOOK_LOGGER = "ca.uhn.fhir.interceptor.executor.BaseInterceptorService";
    private static final String BODY_LOGGER = "ca.uhn.fhir.rest.server.servlet.ServletRequestDetails";

    /** Once per logging system (test suites start several servers in one JVM). */
    static void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getTurboFilterList().stream().noneMatch(ClientErrorsFromHooks.class::isInstance)) {
            context.addTurboFilter(new ClientErrorsFromHooks());
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.ERROR || logger == null) {
            return FilterReply.NEUTRAL;
        }
        Object last = t != null ? t : params == null || params.length == 0 ? null : params[params.length - 1];
        boolean clientFault = switch (logger.getName()) {
            case HOOK_LOGGER -> last instanceof BaseServerResponseException e && e.getStatusCode() < 500;
            case BODY_LOGGER -> last instanceof SlowBodyFilter.TooSlowException;
            default -> false;
        };
        return clientFault ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
