package io.imagelib.role.web;

import io.imagelib.role.domain.Assignment;
import io.imagelib.role.domain.Verdict;
import io.imagelib.role.service.RoleAssignments;
import io.imagelib.support.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.security.Principal;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The role API. Thin: validation here, rules in the domain, writes in {@link RoleAssignments}. */
@RestController
@RequestMapping("/v1/regions/{region}/hosts")
public class RoleController {

    /** Host ids and regions are opaque strings of this shape (shared convention of all services). */
    static final String ID = "[A-Za-z0-9._-]{1,64}";
    static final String ROLE_PATH = "/{hostId}/roles/image-library";

    private final RoleAssignments roles;

    public RoleController(RoleAssignments roles) {
        this.roles = roles;
    }

    @Operation(summary = "Assign the image-library role (201 created, 200 unchanged or updated)",
            security = @SecurityRequirement(name = "bearer"))
    @PutMapping(ROLE_PATH)
    public ResponseEntity<HostRoleJson> assign(
            @PathVariable @Pattern(regexp = ID) String region,
            @PathVariable @Pattern(regexp = ID) String hostId,
            @Parameter(description = "false skips the GET <publicUrl>/healthcheck probe, to pre-stage a host")
            @RequestParam(defaultValue = "true") boolean probe,
            @RequestHeader(name = "X-Request-Id", required = false) @Pattern(regexp = "[A-Za-z0-9._:-]{1,128}") String requestId,
            @Valid @RequestBody AssignRoleRequest body,
            Principal principal) {
        var requested = new Assignment(region, hostId, body.publicUrl(), body.adminUrl(), body.storage().toDomain());
        var outcome = roles.assign(requested, probe, principal.getName(),
                requestId != null ? requestId : UUID.randomUUID().toString());
        var json = HostRoleJson.of(outcome.record());
        if (outcome.verdict() instanceof Verdict.Accepted accepted && accepted.change() == Verdict.Change.CREATE) {
            return ResponseEntity.created(URI.create("/v1/regions/" + region + "/hosts/" + hostId)).body(json);
        }
        return ResponseEntity.ok(json);
    }

    @Operation(summary = "Remove the image-library role (publishes a tombstone)", security = @SecurityRequirement(name = "bearer"))
    @DeleteMapping(ROLE_PATH)
    public ResponseEntity<Void> remove(@PathVariable @Pattern(regexp = ID) String region,
                                       @PathVariable @Pattern(regexp = ID) String hostId) {
        roles.remove(region, hostId);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "The image-library hosts of a region, with assignedAt")
    @GetMapping
    public RegionHostsJson hosts(@PathVariable @Pattern(regexp = ID) String region) {
        return new RegionHostsJson(region, roles.state().region(region).stream().map(HostRoleJson::of).toList());
    }

    @Operation(summary = "One host's image-library role in this region")
    @GetMapping("/{hostId}")
    public HostRoleJson host(@PathVariable @Pattern(regexp = ID) String region,
                             @PathVariable @Pattern(regexp = ID) String hostId) {
        return roles.state().host(hostId).filter(a -> a.region().equals(region)).map(HostRoleJson::of)
                .orElseThrow(() -> Problems.of(HttpStatus.NOT_FOUND, "not-assigned", "Host does not hold the role here",
                        "Host " + hostId + " holds no image-library role in region " + region + "."));
    }
}
