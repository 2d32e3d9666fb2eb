package io.imagelib.ilctl.http;

import io.imagelib.ilctl.ExitCode;
import io.imagelib.ilctl.IlctlException;

/** The service answered 4xx/5xx; the message carries its problem+json title and detail so a person can act on it. */
public final class ServiceRefusedException extends IlctlException {

    private final int status;
    private final String problemType;

    public ServiceRefusedException(String service, int status, String problemType, String title, String detail) {
        super(ExitCode.REFUSED, service + " refused (HTTP " + status + "): " + title
                + (detail == null || detail.isBlank() ? "" : "\n  " + detail)
                + (problemType == null || problemType.isBlank() ? "" : "\n  type: " + problemType));
        this.status = status;
        this.problemType = problemType;
    }

    public int status() {
        return status;
    }

    public String problemType() {
        return problemType;
    }
}
