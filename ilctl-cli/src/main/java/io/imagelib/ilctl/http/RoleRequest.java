package io.imagelib.ilctl.http;

/**
 * Body of role-service's {@code PUT /v1/regions/{region}/hosts/{hostId}/roles/image-library}.
 *
 * @param publicUrl Glance API URL compute and block storage fetch images from
 * @param adminUrl  admin URL when this host is the admin endpoint; null lets role-service derive it
 * @param storage   the host's image store
 */
public record RoleRequest(String publicUrl, String adminUrl, Storage storage) {

    /**
     * @param type       NFS, BLOCK or LOCAL
     * @param mountPath  where the store is mounted on the host
     * @param storageId  identity of the shared store; hosts of a region must share it
     * @param volumeType block-storage volume type, BLOCK only
     */
    public record Storage(String type, String mountPath, String storageId, String volumeType) {
    }

    public static String path(String region, String hostId) {
        return "/v1/regions/" + region + "/hosts/" + hostId + "/roles/image-library";
    }
}
