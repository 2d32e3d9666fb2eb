package io.imagelib.catalogsync.keystone;

/** A token handed in by the operator; it cannot be renewed, so a 401 stays a failure until they replace it. */
public record StaticTokenSource(String token) implements TokenSource {

    @Override
    public void rejected(String token) {
        // Nothing to renew from.
    }

    @Override
    public String toString() {
        return "StaticTokenSource[token=***]";
    }
}
