package io.imagelib.ilctl.command;

import io.imagelib.ilctl.output.OutputFormat;
import io.imagelib.ilctl.output.Table;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code -f table|json|yaml|value} and {@code -c COLUMN}, as in the OpenStack CLI. */
public final class FormatOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private OutputFormat format;

    @Option(names = {"-c", "--column"}, paramLabel = "COLUMN",
            description = "Show only this column (repeatable), e.g. -c ID -c URL.")
    private List<String> columns = new ArrayList<>();

    /** Prints the table in the chosen format on the command's stdout. */
    public void print(Table table) {
        Table shown = columns.isEmpty() ? table : select(table);
        mixee.commandLine().getOut().print(shown.render(format));
        mixee.commandLine().getOut().flush();
    }

    private Table select(Table table) {
        List<Integer> indexes = new ArrayList<>();
        for (String column : columns) {
            int index = table.columns().indexOf(column);
            if (index < 0) {
                throw new ParameterException(mixee.commandLine(),
                        "Unknown column '" + column + "'; the columns are " + table.columns());
            }
            indexes.add(index);
        }
        List<List<Object>> rows = table.rows().stream()
                .map(row -> indexes.stream().map(row::get).toList())
                .toList();
        return new Table(indexes.stream().map(table.columns()::get).toList(), rows);
    }
}
