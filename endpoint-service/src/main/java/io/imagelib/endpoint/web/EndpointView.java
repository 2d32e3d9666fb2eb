package io.imagelib.endpoint.web;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One row of {@code pcdctl endpoint list}: the OpenStack (Keystone) endpoint model for the image service. */
public record EndpointView(
        String id,
        String region,
        @JsonProperty("service_name") String serviceName,
        @JsonProperty("service_type") String serviceType,
        boolean enabled,
        @JsonProperty("interface") String endpointInterface,
        String url) {

    public static final String SERVICE_NAME = "glance";
    public static final String SERVICE_TYPE = "image";
}
