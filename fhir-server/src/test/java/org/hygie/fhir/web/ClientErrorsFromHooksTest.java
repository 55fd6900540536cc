package org.hygie.fhir.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.junit.jupiter.api.Test;

/** Only a client's fault is kept out of the log; a hook's real failure and every other logger stay as they were. */
class ClientErrorsFromHooksTest {
    private final LoggerContext context = new LoggerContext();
    private final ClientErrorsFromHooks filter = new ClientErrorsFromHooks();

    @Test
    void aHooksRefusalOfAClientIsDroppedAndNothingElse() {
        var hooks = context.getLogger("ca.uhn.fhir.interceptor.executor.BaseInterceptorService");
        var body = context.getLogger("ca.uhn.fhir.rest.server.servlet.ServletRequestDetails");
        var other = context.getLogger("org.hygie.fhir.storage.ResourceService");
        Object[] clientFault = {"SERVER_INCOMING_REQUEST_POST_PROCESSED", "415", new InvalidRequestException("bad")};
        Object[] serverFault = {"SERVER_INCOMING_REQUEST_POST_PROCESSED", "500", new InternalErrorException("bug")};
        assertThat(filter.decide(null, hooks, Level.ERROR, "x {} {}", clientFault, null)).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(null, hooks, Level.ERROR, "x {} {}", serverFault, null)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, hooks, Level.ERROR, "x", null, new IllegalStateException())).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, other, Level.ERROR, "x {} {}", clientFault, null)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, body, Level.ERROR, "x", null, new SlowBodyFilter.TooSlowException())).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(null, body, Level.ERROR, "x", null, new java.io.IOException("reset"))).isEqualTo(FilterReply.NEUTRAL);
    }
}
