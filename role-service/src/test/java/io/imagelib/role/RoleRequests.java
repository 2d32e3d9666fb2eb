package io.imagelib.role;

/** JSON bodies and paths of the role API, shared by the slice and integration tests. */
public final class RoleRequests {

    private RoleRequests() {
    }

    public static String rolePath(String region, String host) {
        return "/v1/regions/" + region + "/hosts/" + host + "/roles/image-library";
    }

    public static String body(String publicUrl, String storageJson) {
        return "{\"publicUrl\":\"" + publicUrl + "\",\"storage\":" + storageJson + "}";
    }

    public static String nfs(String mountPath, String storageId) {
        return "{\"type\":\"NFS\",\"mountPath\":\"" + mountPath + "\",\"storageId\":\"" + storageId + "\"}";
    }

    public static String block(String volumeType) {
        return "{\"type\":\"BLOCK\",\"volumeType\":\"" + volumeType + "\"}";
    }
}
