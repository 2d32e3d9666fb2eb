package io.imagelib.ilctl.output;

/** The {@code -f} formats of the OpenStack CLI (cliff) that pcdctl users know. */
public enum OutputFormat {
    /** Bordered table with the column names as header, as {@code pcdctl endpoint list} prints it. */
    table,
    /** A JSON array of objects keyed by column name. */
    json,
    /** A YAML list of maps keyed by column name. */
    yaml,
    /** Values only, space separated, one row per line: for {@code $(...)} in scripts. */
    value
}
