package io.imagelib.endpoint.web;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.CommandOutcome;
import io.imagelib.avro.EndpointCommand;
import io.imagelib.avro.EndpointCommandResult;
import io.imagelib.avro.EndpointCommandType;
import io.imagelib.endpoint.config.EndpointServiceProperties;
import io.imagelib.endpoint.domain.EndpointIds;
import io.imagelib.endpoint.domain.EndpointInterface;
import io.imagelib.endpoint.domain.Refusal;
import io.imagelib.endpoint.kafka.ElectionCommands;
import io.imagelib.support.web.Problems;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code pcdctl endpoint list --service glance --interface admin} and {@code pcdctl endpoint set --url URL ID}:
 * reads come from the published topics, a set goes through the election as a command and answers with its verdict.
 */
@RestController
@RequestMapping("/v1/endpoints")
class EndpointsController {

    /** How often a PATCH checks that the accepted change reached this instance's admin view. */
    private static final Duration VIEW_POLL = Duration.ofMillis(5);

    private final EndpointCatalog catalog;
    private final ElectionCommands commands;
    private final EndpointServiceProperties properties;
    private final Clock clock;

    EndpointsController(EndpointCatalog catalog, ElectionCommands commands, EndpointServiceProperties properties,
                        Clock clock) {
        this.catalog = catalog;
        this.commands = commands;
        this.properties = properties;
        this.clock = clock;
    }

    /** Body of a set: {@code {"url": ...}}, or Keystone's {@code {"endpoint": {"url": ...}}}. */
    record EndpointPatch(String url, EndpointUrl endpoint) {
        record EndpointUrl(String url) {
        }

        Optional<String> requestedUrl() {
            return Optional.ofNullable(url).or(() -> Optional.ofNullable(endpoint).map(EndpointUrl::url))
                    .filter(u -> !u.isBlank());
        }
    }

    @GetMapping
    Map<String, List<EndpointView>> list(@RequestParam(defaultValue = EndpointView.SERVICE_NAME) String service,
                                         @RequestParam(name = "interface", required = false) String endpointInterface,
                                         @RequestParam(required = false) String region) {
        if (!service.equals(EndpointView.SERVICE_NAME) && !service.equals(EndpointView.SERVICE_TYPE)) {
            return Map.of("endpoints", List.of());
        }
        Optional<EndpointInterface> wanted = Optional.ofNullable(endpointInterface).map(value ->
                EndpointInterface.fromWire(value).orElseThrow(() -> Problems.of(HttpStatus.BAD_REQUEST,
                        "unknown-interface", "Unknown endpoint interface",
                        "Interface '" + value + "' is not one of admin, public, internal.")));
        return Map.of("endpoints", catalog.list(wanted, Optional.ofNullable(region)));
    }

    @PatchMapping("/{id}")
    Map<String, EndpointView> setAdmin(@PathVariable String id, @RequestBody EndpointPatch patch,
                                       Authentication requester) throws InterruptedException {
        EndpointCatalog.EndpointRef ref = catalog.resolve(id).orElseThrow(() -> Problems.of(HttpStatus.NOT_FOUND,
                "endpoint-not-found", "No such endpoint",
                "No glance endpoint has id " + id + "; list them with GET /v1/endpoints?service=glance&interface=admin."));
        if (ref.endpointInterface() != EndpointInterface.ADMIN) {
            throw Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "endpoint-not-settable", "Only the admin endpoint can be set",
                    "Endpoint " + id + " is the " + ref.endpointInterface().wireName() + " endpoint of host " + ref.hostId()
                            + "; public and internal endpoints follow the image-library role of each host. "
                            + "Set the admin endpoint of region " + ref.region() + " instead.");
        }
        String url = patch.requestedUrl().orElseThrow(() -> Problems.of(HttpStatus.UNPROCESSABLE_ENTITY,
                "url-required", "URL required",
                "Send {\"url\": \"https://<host-ip>:9494\"}: the admin URL of the image-library host to make admin."));
        long deadline = System.nanoTime() + properties.commandTimeout().toNanos();
        EndpointCommandResult result = request(ref.region(), url, requester.getName());
        if (result.getOutcome() != CommandOutcome.ACCEPTED) {
            throw refused(result);
        }
        AdminEndpoint admin = awaitView(ref.region(), result.getEpoch(), deadline);
        return Map.of("endpoint", admin != null && result.getHostId().equals(admin.getHostId())
                ? EndpointCatalog.adminRow(admin)
                : new EndpointView(EndpointIds.id(ref.region(), EndpointInterface.ADMIN, result.getHostId()),
                        ref.region(), EndpointView.SERVICE_NAME, EndpointView.SERVICE_TYPE, true,
                        EndpointInterface.ADMIN.wireName(), url));
    }

    private EndpointCommandResult request(String region, String url, String requester) throws InterruptedException {
        EndpointCommand command = EndpointCommand.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setRegion(region)
                .setType(EndpointCommandType.SET_ADMIN)
                .setUrl(url)
                .setRequester(requester)
                .setRequestedAt(clock.instant())
                .build();
        try {
            return commands.request(command, properties.commandTimeout());
        } catch (TimeoutException e) {
            throw Problems.of(HttpStatus.GATEWAY_TIMEOUT, "election-timeout", "The election did not answer in time",
                    "No answer to request " + command.getRequestId() + " within " + properties.commandTimeout()
                            + "; the command may still be applied. Check GET /v1/endpoints?interface=admin&region="
                            + region + " before retrying.");
        }
    }

    /**
     * Waits (bounded) until this instance's admin view holds the accepted epoch, so a GET right after the PATCH
     * shows the new admin; the result and the admin record commit in one transaction, so this is short.
     */
    private AdminEndpoint awaitView(String region, long epoch, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            Optional<AdminEndpoint> admin = catalog.admin(region).filter(a -> a.getEpoch() >= epoch);
            if (admin.isPresent()) {
                return admin.get();
            }
            Thread.sleep(VIEW_POLL);
        }
        return null;
    }

    private static RuntimeException refused(EndpointCommandResult result) {
        Optional<Refusal.Code> code = Refusal.Code.fromSlug(result.getRefusal());
        HttpStatus status = code.map(known -> switch (known) {
            case UNKNOWN_HOST, UNSUPPORTED_COMMAND -> HttpStatus.UNPROCESSABLE_ENTITY;
            case UNKNOWN_REGION, HOST_NOT_HEALTHY -> HttpStatus.CONFLICT;
        }).orElse(HttpStatus.CONFLICT);
        // A slug this version does not know (a newer election's) is passed on as it came.
        String slug = Optional.ofNullable(result.getRefusal()).orElse("refused");
        return Problems.of(status, slug, code.map(Refusal.Code::title).orElse("Command refused"), result.getReason());
    }
}
