package io.imagelib.ilctl.command;

import picocli.CommandLine.Option;

/** {@code --region}: the region a role command is about. */
public final class RegionOption {

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "${env:ILCTL_REGION:-RegionOne}",
            description = "Region (env ILCTL_REGION; default ${DEFAULT-VALUE}).")
    String region;
}
