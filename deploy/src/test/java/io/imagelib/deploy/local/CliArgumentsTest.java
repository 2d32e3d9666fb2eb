package io.imagelib.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CliArgumentsTest {

    private static final String USAGE = "usage: start|stop [--dir DIR] [--port PORT]";

    private static CliArguments parse(String... args) {
        return CliArguments.parse(args, CliArguments.names("start", "stop"), CliArguments.names("dir", "port"), USAGE);
    }

    @Test
    void readsTheCommandAndItsOptionsWithDefaultsForTheRest() {
        CliArguments cli = parse("start", "--port", "9092");

        assertThat(cli.command()).isEqualTo("start");
        assertThat(cli.intOption("port", 0)).isEqualTo(9092);
        assertThat(cli.option("dir", ".imagelib/kafka")).isEqualTo(".imagelib/kafka");
    }

    @Test
    void rejectsUnknownCommandsOptionsAndNonNumericPortsWithTheUsage() {
        assertThatThrownBy(() -> parse("restart")).hasMessage(USAGE);
        assertThatThrownBy(() -> parse("start", "--nodes", "3")).hasMessageContaining("'--nodes'").hasMessageContaining(USAGE);
        assertThatThrownBy(() -> parse("start", "--dir")).hasMessageContaining("'--dir'");
        assertThatThrownBy(() -> parse("start", "--port", "x").intOption("port", 0)).hasMessage("--port takes a number, not 'x'");
    }
}
