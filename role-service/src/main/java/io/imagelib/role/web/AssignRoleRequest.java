package io.imagelib.role.web;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Body of {@code PUT .../roles/image-library}. */
public record AssignRoleRequest(
        @NotBlank @Size(max = 2048) @Schema(description = "Glance API URL compute and block storage fetch images from",
                example = "http://10.0.0.5:9292") String publicUrl,
        @Size(max = 2048) @Schema(description = "Glance admin URL; default https://<host of publicUrl>:9494",
                example = "https://10.0.0.5:9494") String adminUrl,
        @NotNull @Valid StorageJson storage) {
}
