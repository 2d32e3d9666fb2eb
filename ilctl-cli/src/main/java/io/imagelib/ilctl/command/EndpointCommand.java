package io.imagelib.ilctl.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.imagelib.ilctl.output.EndpointTable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code pcdctl endpoint ...} for the image library, against endpoint-service. */
@Command(name = "endpoint", description = "Image library endpoints as the OpenStack catalog lists them (like pcdctl endpoint).",
        subcommands = {EndpointCommand.ListEndpoints.class, EndpointCommand.SetEndpoint.class})
public final class EndpointCommand {

    @Command(name = "list", description = "List endpoints (GET /v1/endpoints of endpoint-service).",
            footerHeading = "%nExamples:%n",
            footer = {
                    "  # The admin endpoint and the ID that 'endpoint set' needs:",
                    "  ilctl endpoint list --service glance --interface admin",
                    "  +----------------------------------+-----------+--------------+--------------+---------+-----------+-------------------------+",
                    "  | ID                               | Region    | Service Name | Service Type | Enabled | Interface | URL                     |",
                    "  +----------------------------------+-----------+--------------+--------------+---------+-----------+-------------------------+",
                    "  | 5d0c6e0b9a1f4c7e8d2b3a4f5e6d7c8b | RegionOne | glance       | image        | True    | admin     | http://127.0.0.1:9301   |",
                    "  +----------------------------------+-----------+--------------+--------------+---------+-----------+-------------------------+",
                    "  # Only the admin ID, for a script:",
                    "  ID=$(ilctl endpoint list --interface admin -f value -c ID)",
                    "  # Every public endpoint of a region as JSON:",
                    "  ilctl endpoint list --interface public --region SJC -f json"})
    static final class ListEndpoints implements Callable<Integer> {

        @Mixin
        ServiceOptions services;

        @Mixin
        FormatOptions output;

        @Option(names = "--service", paramLabel = "NAME", defaultValue = "glance",
                description = "Service name or type (default: ${DEFAULT-VALUE}).")
        String service;

        @Spec
        CommandSpec spec;

        @Option(names = "--interface", paramLabel = "INTERFACE", completionCandidates = Interfaces.class,
                description = "Only this interface: ${COMPLETION-CANDIDATES}.")
        String endpointInterface;

        @Option(names = "--region", paramLabel = "REGION", description = "Only this region.")
        String region;

        @Override
        public Integer call() {
            if (endpointInterface != null && !Interfaces.NAMES.contains(endpointInterface)) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--interface': expected one of "
                        + String.join(", ", Interfaces.NAMES) + " but was '" + endpointInterface + "'");
            }
            Map<String, String> query = new LinkedHashMap<>();
            query.put("service", service);
            query.put("interface", endpointInterface);
            query.put("region", region);
            JsonNode answer = services.endpointService().get("/v1/endpoints", query);
            output.print(EndpointTable.of(answer));
            return 0;
        }
    }

    /** OpenStack's endpoint interfaces ({@code public} is a Java keyword, so not an enum). */
    static final class Interfaces implements Iterable<String> {
        static final List<String> NAMES = List.of("admin", "public", "internal");

        @Override
        public Iterator<String> iterator() {
            return NAMES.iterator();
        }
    }

    @Command(name = "set", description = "Point an endpoint at another URL (PATCH /v1/endpoints/{id}); prints nothing on success, as pcdctl.",
            footerHeading = "%nExamples:%n",
            footer = {
                    "  # Move the admin endpoint to the second host (the seed's manual failover):",
                    "  ilctl endpoint set --url http://127.0.0.1:9302 5d0c6e0b9a1f4c7e8d2b3a4f5e6d7c8b",
                    "  # The same without copying the ID:",
                    "  ilctl endpoint set --url http://127.0.0.1:9302 $(ilctl endpoint list --interface admin -f value -c ID)"})
    static final class SetEndpoint implements Callable<Integer> {

        @Mixin
        ServiceOptions services;

        @Option(names = "--url", paramLabel = "URL", required = true, description = "New URL of the endpoint.")
        String url;

        @Parameters(paramLabel = "ID", description = "Endpoint ID, as 'ilctl endpoint list' shows it.")
        String id;

        @Override
        public Integer call() {
            services.endpointService().patch("/v1/endpoints/" + id, Map.of("url", url));
            return 0;
        }
    }
}
